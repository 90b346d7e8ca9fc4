// Digest parsing and streaming verification of content against its descriptor.
import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError } from './errors';

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Returns why `digest` is not a usable digest, or undefined when it is. */
export function digestProblem(digest: string): string | undefined {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) return `invalid digest format ${JSON.stringify(digest)}`;
  const [, algorithm, encoded] = m;
  const len = HEX_LENGTH[algorithm];
  if (len === undefined) return `unsupported digest algorithm ${JSON.stringify(algorithm)}`;
  if (encoded.length !== len || !/^[a-f0-9]+$/.test(encoded)) {
    return `invalid ${algorithm} digest: expected ${len} lowercase hex characters`;
  }
  return undefined;
}

export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}

/** Digest of a whole buffer, in the algorithm of `like` (sha256 by default). */
export function digestOf(bytes: Buffer, like = 'sha256:'): string {
  const alg = digestAlgorithm(like) || 'sha256';
  return `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
}

/** Counts and hashes bytes as they pass; `finish()` throws DigestMismatchError if they do not match. */
export class ContentVerifier {
  private readonly hash: Hash | undefined;
  private count = 0;
  constructor(
    private readonly what: string,
    private readonly expected: { digest: string; size: number },
    /** Bytes before the first update() (a resumed download); the digest is then not checked, only the size. */
    private readonly offset = 0,
    /** false: check the size only (the consumer verifies the digest itself, as containerd does on commit). */
    hashing = true,
  ) {
    this.hash = offset === 0 && hashing ? createHash(digestAlgorithm(expected.digest)) : undefined;
  }

  get received(): number {
    return this.offset + this.count;
  }

  /** Throws as soon as more bytes arrive than the descriptor allows, so a lying server cannot fill the disk. */
  update(chunk: Buffer): void {
    this.count += chunk.length;
    if (this.expected.size >= 0 && this.received > this.expected.size) {
      throw new DigestMismatchError(this.what, this.expected, { size: this.received });
    }
    this.hash?.update(chunk);
  }

  finish(): void {
    if (this.expected.size >= 0 && this.received !== this.expected.size) {
      throw new DigestMismatchError(this.what, this.expected, { size: this.received });
    }
    if (!this.hash) return;
    const actual = `${digestAlgorithm(this.expected.digest)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      throw new DigestMismatchError(this.what, this.expected, { digest: actual, size: this.received });
    }
  }
}
