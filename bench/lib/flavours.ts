// The containerd versions a benchmark runs on (a `BENCH_*_VERSIONS` list): those whose binaries are here, and a line
// for each one skipped because scripts/fetch-containerd.sh has not fetched it.
import { containerdFlavour, ContainerdBinariesMissingError, type ContainerdFlavour, type ContainerdTestVersion } from '../../test/harness';

export function benchFlavours(list: string, log: (line: string) => void): { flavours: ContainerdFlavour[]; skipped: string[] } {
  const flavours: ContainerdFlavour[] = [];
  const skipped: string[] = [];
  for (const v of list.split(',').map((x) => x.trim()).filter(Boolean) as ContainerdTestVersion[]) {
    try {
      flavours.push(containerdFlavour(v));
    } catch (e) {
      if (!(e instanceof ContainerdBinariesMissingError)) throw e;
      skipped.push(`containerd ${v} skipped: ${e.message}`);
      log(skipped[skipped.length - 1]);
    }
  }
  return { flavours, skipped };
}
