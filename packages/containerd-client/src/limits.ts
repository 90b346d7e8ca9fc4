// Caps on what the client reads into memory from images, archives and layers. A 1 MB .tar.gz can inflate to
// gigabytes, so every document is checked against its cap before it is buffered, and refused with a typed error.
import { ResourceExhaustedError } from './errors';

/** Manifests, indexes and an archive's index.json/manifest.json: the registry client's cap (and containerd's). */
export const MAX_MANIFEST_BYTES = 4 << 20;
/** Image configs: the registry client's cap on small blobs. */
export const MAX_CONFIG_BYTES = 16 << 20;
/** One PAX or GNU long-name tar header (Go's archive/tar, which containerd uses, allows 1 MiB too). */
export const MAX_TAR_HEADER_BYTES = 1 << 20;
/** /etc/passwd or /etc/group read out of an image's layers to resolve its USER. */
export const MAX_USER_FILE_BYTES = 16 << 20;
/** zstd window the pure-JS decoder accepts: libzstd's default cap, so Node's own zstd refuses the same frames. */
export const MAX_ZSTD_WINDOW_BYTES = 128 << 20;

function human(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

/** Something is bigger than the client will hold in memory; `what` names it, `limit` is the cap in bytes. */
export class TooLargeError extends ResourceExhaustedError {
  constructor(readonly what: string, readonly size: number, readonly limit: number) {
    super(`${what} is ${human(size)}, over the ${human(limit)} limit: refusing it (the image or archive is corrupt or hostile)`);
  }
}

/** Throws TooLargeError when `size` is over `limit`. */
export function checkSize(what: string, size: number, limit: number): void {
  if (size > limit) throw new TooLargeError(what, size, limit);
}
