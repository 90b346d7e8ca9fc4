// Names shared by the run suite's setup (runner process) and its tests (extension host).
export const IMAGE = 'e2e.local/run/web:1';
/** Prints a line, then stays up (sh as pid 1 ignores SIGTERM: Stop has to SIGKILL it). */
export const WEB_CMD = ['sh', '-c', 'echo hello-from-web; while true; do sleep 1; done'];
/** A two-platform index (amd64, arm64/v8) setup.ts pushes to the suite's registry, for Pull's platform picker. */
export const MULTI_REPO = 'e2e/multi';
