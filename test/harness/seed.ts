// Fixture setup through ctr, independent of the product's client: for tests that need
// images or containers to exist before they exercise the code under test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from './containerd';
import { LayoutItem, ociLayoutTar } from './oci-layout';

let seq = 0;

/** `ctr images import` of an OCI layout tar holding `item` named `refName`. Throws on failure. */
export async function ctrImport(daemon: Daemon, namespace: string, item: LayoutItem, refName: string): Promise<void> {
  const file = path.join(daemon.dir, `import-${process.pid}-${++seq}.tar`);
  fs.writeFileSync(file, ociLayoutTar(item, refName));
  try {
    const r = await daemon.ctr(['images', 'import', file], { namespace });
    if (r.code !== 0) throw new Error(`ctr images import failed (${r.code}): ${r.stderr}`);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Flags for `ctr run` that keep its FIFOs and runc state inside the daemon's dir
 * (ctr's defaults are /run/containerd/fifo and /run/containerd/runc).
 */
export function ctrRunFlags(daemon: Daemon): string[] {
  return ['--fifo-dir', path.join(daemon.dir, 'fifo'), '--runc-root', path.join(daemon.dir, 'runc')];
}
