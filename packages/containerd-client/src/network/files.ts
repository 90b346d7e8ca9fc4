// The container's /etc/hosts and /etc/resolv.conf, written in its state dir and bind-mounted read-only. The hosts
// file names the container's own addresses once CNI gave it some; resolv.conf is the host's without loopback
// nameservers (unreachable from the container's own network namespace), Docker's public fallback when none is left.
import * as fs from 'node:fs';

export const FALLBACK_NAMESERVERS: readonly string[] = ['8.8.8.8', '8.8.4.4'];

/** Hosts file text: localhost entries, then each address with the hostname. */
export function hostsFileText(hostname: string | undefined, addresses: readonly string[]): string {
  const lines = ['127.0.0.1\tlocalhost localhost.localdomain', '::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback'];
  if (hostname) for (const a of addresses) lines.push(`${a}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

/** resolv.conf text for a container with its own network namespace (see the file comment). */
export function resolvConfText(hostText: string): string {
  const loopback = (ns: string): boolean => ns.startsWith('127.') || ns === '::1' || ns === '0.0.0.0';
  const kept: string[] = [];
  let servers = 0;
  for (const line of hostText.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) {
      if (loopback(m[1])) continue;
      servers++;
    }
    kept.push(line);
  }
  while (kept.length && kept[kept.length - 1].trim() === '') kept.pop();
  if (servers === 0) kept.push(...FALLBACK_NAMESERVERS.map((s) => `nameserver ${s}`));
  return `${kept.join('\n')}\n`;
}

/** Writes `text` into `file` in place (same inode: a bind mount of it sees the new text). */
export async function writeInPlace(file: string, text: string): Promise<void> {
  await fs.promises.writeFile(file, text, { mode: 0o644 });
}

export function hostResolvConf(file = '/etc/resolv.conf'): string {
  try { return fs.readFileSync(file, 'utf8'); } catch { return ''; }
}
