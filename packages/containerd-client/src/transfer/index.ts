// Server-side pulls through containerd's Transfer and Streaming services (containerd 2.x). Never imports vscode.
export { transferPull } from './pull';
export { choosePullMethod, pullMethodFor, type ChosenPullMethod } from './choose';
export { transferSupport, majorVersion, type PullMethod, type TransferSupport } from './capability';
export { TransferStream, newStreamId } from './streams';
