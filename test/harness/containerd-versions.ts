// Which containerd the harness starts: the system's 1.6 (default), or 1.7 / 2.x fetched by
// scripts/fetch-containerd.sh into a cache outside the checkout. Selected by CONTAINERD_TEST_VERSION=1.6|1.7|2.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type ContainerdTestVersion = '1.6' | '1.7' | '2';

/** Thrown when the selected version's binaries are not in the cache (tests never fetch: no network then). */
export class ContainerdBinariesMissingError extends Error {
  constructor(readonly version: ContainerdTestVersion, readonly binDir: string) {
    super(`containerd ${version} binaries not found in ${binDir}: run scripts/fetch-containerd.sh (needs network once), ` +
      'or unset CONTAINERD_TEST_VERSION to test against the system containerd');
    this.name = 'ContainerdBinariesMissingError';
  }
}

/** The cache scripts/fetch-containerd.sh fills (same rule as there). */
export function containerdCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONTAINERD_TEST_CACHE) return env.CONTAINERD_TEST_CACHE;
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(xdg, 'containerd-explorer-test');
}

/** CONTAINERD_TEST_VERSION, checked: unset or empty means the system's 1.6. */
export function selectedContainerdVersion(env: NodeJS.ProcessEnv = process.env): ContainerdTestVersion {
  const v = (env.CONTAINERD_TEST_VERSION ?? '').trim();
  if (v === '' || v === '1.6') return '1.6';
  if (v === '1.7') return '1.7';
  if (v === '2' || v === '2.x') return '2';
  throw new Error(`CONTAINERD_TEST_VERSION=${JSON.stringify(v)}: use 1.6 (the system's, default), 1.7 or 2`);
}

export interface ContainerdFlavour {
  version: ContainerdTestVersion;
  /** Dir holding containerd, ctr and that version's shim; undefined = the system's, found on PATH. */
  binDir: string | undefined;
  containerd: string;
  ctr: string;
  /** containerd config schema: 2 for 1.6/1.7, 3 for 2.x. */
  configVersion: 2 | 3;
  /** Plugins the tests never need (CRI wants CNI and slows startup). */
  disabledPlugins: string[];
}

const CRI_1X = ['io.containerd.grpc.v1.cri'];
// 2.x splits CRI into several plugins, and enables NRI by default (its socket is a host-wide /var/run/nri path).
const CRI_2X = ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime',
  'io.containerd.podsandbox.controller.v1.podsandbox', 'io.containerd.sandbox.controller.v1.shim',
  'io.containerd.nri.v1.nri'];

/** The binaries and config shape for a version; throws ContainerdBinariesMissingError if they are not fetched. */
export function containerdFlavour(version = selectedContainerdVersion(), env: NodeJS.ProcessEnv = process.env): ContainerdFlavour {
  if (version === '1.6') {
    return { version, binDir: undefined, containerd: 'containerd', ctr: 'ctr', configVersion: 2, disabledPlugins: CRI_1X };
  }
  const binDir = path.join(containerdCacheDir(env), version, 'usr', 'bin');
  for (const bin of ['containerd', 'ctr', 'containerd-shim-runc-v2']) {
    if (!fs.existsSync(path.join(binDir, bin))) throw new ContainerdBinariesMissingError(version, binDir);
  }
  return {
    version,
    binDir,
    containerd: path.join(binDir, 'containerd'),
    ctr: path.join(binDir, 'ctr'),
    configVersion: version === '2' ? 3 : 2,
    disabledPlugins: version === '2' ? CRI_2X : CRI_1X,
  };
}

/** Whether the selected version's binaries are there (for runners that must fail, not skip, in CI). */
export function containerdVersionAvailable(version: ContainerdTestVersion, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    containerdFlavour(version, env);
    return true;
  } catch (err) {
    if (err instanceof ContainerdBinariesMissingError) return false;
    throw err;
  }
}

/** The daemon's environment: the flavour's bin dir first on PATH, so containerd starts its own shim
 *  (a 2.x daemon wants the 2.x shim); runc stays the system's, found further along PATH. */
export function daemonEnv(flavour: ContainerdFlavour, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!flavour.binDir) return env;
  return { ...env, PATH: [flavour.binDir, env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'].join(path.delimiter) };
}
