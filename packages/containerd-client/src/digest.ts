// Digests and chain IDs as the OCI image spec defines them.
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Buffer | Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

export function validateDigest(s: string): void {
  if (!isDigest(s)) throw new InvalidArgumentError(`"${s}" is not a sha256 digest (expected sha256: followed by 64 hex digits)`);
}

/** First 12 hex digits, as `docker images` shows them. */
export function shortDigest(digest: string): string {
  const i = digest.indexOf(':');
  return digest.slice(i + 1, i + 13);
}

/**
 * Chain IDs of a layer stack: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
 * The committed snapshot of layer n is named by its chain ID, so layers shared between images unpack once.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : sha256Digest(`${out[out.length - 1]} ${d}`));
  return out;
}

export function chainId(diffIds: readonly string[]): string {
  const ids = chainIds(diffIds);
  if (ids.length === 0) throw new InvalidArgumentError('an image needs at least one layer');
  return ids[ids.length - 1];
}
