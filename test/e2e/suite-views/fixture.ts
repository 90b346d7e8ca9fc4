// Names shared by the views suite's setup (runner process) and its tests (extension host).
import * as path from 'path';

export const IMAGE = 'e2e.local/views/busybox:1.0';
export const OTHER_NAMESPACE = 'e2e-other';
export const OTHER_IMAGE = 'e2e.local/views/other:2.0';
/** Running in `default` when the suite starts. (A distinctive id: runc's cgroup path is /<namespace>/<id> on the
 * host, shared by every private daemon on the machine.) */
export const RUNNING = 'views-web';

/** `ctr run` flags keeping FIFOs and runc state in the private daemon's dir (ctr's defaults are under /run/containerd). */
export function ctrRunFlags(daemonDir: string): string[] {
  return ['--fifo-dir', path.join(daemonDir, 'fifo'), '--runc-root', path.join(daemonDir, 'runc')];
}
