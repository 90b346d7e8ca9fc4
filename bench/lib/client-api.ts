// The client API a benchmark child process measures: the shipped bundle (packages/containerd-client/dist/index.js) when built, else the sources.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ClientApi = typeof import('../../packages/containerd-client/src');

export function loadClientApi(): { api: ClientApi; bundle: boolean } {
  const bundle = path.resolve(__dirname, '..', '..', '..', 'packages', 'containerd-client', 'dist', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (fs.existsSync(bundle)) return { api: require(bundle) as ClientApi, bundle: true };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { api: require('../../packages/containerd-client/src') as ClientApi, bundle: false };
}
