// zstd without zlib's zstd (Node 20): what the zstd tool writes decompresses through fzstd, and hostile frames are
// refused (huge windows, before any allocation) or inflated one block at a time (a bomb is bounded by its reader).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { MAX_ZSTD_WINDOW_BYTES, TooLargeError } from '../../packages/containerd-client/src/limits';
import { zstdDecompress, zstdDecompressJs } from '../../packages/containerd-client/src/oci/zstd';

const zstd = (input: Buffer, ...args: string[]): Buffer => execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 256 << 20 });

/** Some text (compresses well) and random bytes (stored raw), several blocks long. */
const SAMPLE = Buffer.concat([
  Buffer.from('root:x:0:0:root:/root:/bin/sh\n'.repeat(40_000)),
  randomBytes(300_000),
  Buffer.from(Array.from({ length: 50_000 }, (_, i) => `line ${i}\n`).join('')),
]);

function slices(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

async function all(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

/** A frame header (no checksum) with window descriptor `wd`, followed by RLE blocks of `blockSize` zeros. */
function rleFrame(wd: number, blocks: number, blockSize: number): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, wd]);
  const block = (last: boolean): Buffer => {
    const h = (blockSize << 3) | (1 << 1) | (last ? 1 : 0);
    return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0]);
  };
  return Buffer.concat([header, ...Array.from({ length: blocks }, (_, i) => block(i === blocks - 1))]);
}

describe('zstd without zlib (pure-JS fallback)', () => {
  it('decompresses what the zstd tool writes: levels, checksums, several frames, a skippable frame, any chunking', async () => {
    const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 5, 0, 0, 0]), Buffer.from('hello')]);
    const stream = Buffer.concat([zstd(SAMPLE, '-3'), skippable, zstd(SAMPLE, '-9', '--no-check'), zstd(Buffer.alloc(0))]);
    const expected = Buffer.concat([SAMPLE, SAMPLE]);
    for (const size of [1, 333, 1 << 20]) {
      const input = size === 1 ? slices(stream.subarray(0, 2000), 1).concat([stream.subarray(2000)]) : slices(stream, size);
      assert.ok((await all(zstdDecompressJs(Readable.from(input)))).equals(expected), `chunks of ${size}`);
    }
    // The entry point takes the same path on a Node.js without zlib zstd, and zlib's own otherwise.
    assert.ok((await all(zstdDecompress(Readable.from(slices(stream, 65536))))).equals(expected));
  });

  it('refuses a frame whose window is over the cap before allocating it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    // Window descriptor 0xa8: 2^(10+21) = 2 GiB, which fzstd alone would allocate.
    await assert.rejects(all(zstdDecompressJs(Readable.from([rleFrame(0xa8, 1, 16)]), 'layer sha256:abc')), (e: unknown) => {
      assert.ok(e instanceof TooLargeError, String(e));
      assert.equal(e.limit, MAX_ZSTD_WINDOW_BYTES);
      assert.equal(e.size, 2 ** 31);
      assert.match(e.message, /the zstd window of layer sha256:abc is 2\.0 GiB, over the 128 MiB limit/);
      return true;
    });
    // Single-segment frame: the declared content size (8 bytes, 1 TiB) is the window.
    const single = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    await assert.rejects(all(zstdDecompressJs(Readable.from([single]))), TooLargeError);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20);
  });

  it('inflates a bomb one block at a time: the reader bounds memory, not the data', async () => {
    // 8192 RLE blocks of 128 KiB in 32 KiB of input: 1 GiB of zeros, with a 128 KiB window.
    const bomb = rleFrame(0x38, 8192, 128 << 10);
    assert.ok(bomb.length < 40_000);
    const rss = process.memoryUsage().rss;
    let total = 0;
    let biggest = 0;
    let peak = 0;
    for await (const chunk of zstdDecompressJs(Readable.from([bomb]))) {
      total += chunk.length;
      biggest = Math.max(biggest, chunk.length);
      if ((total & ((64 << 20) - 1)) === 0) peak = Math.max(peak, process.memoryUsage().rss - rss);
    }
    assert.equal(total, 1 << 30);
    assert.equal(biggest, 128 << 10);
    assert.ok(peak < 256 << 20, `rss grew by ${peak} bytes while inflating 1 GiB`);
  });

  it('refuses garbage and truncated input with a typed error', async () => {
    await assert.rejects(all(zstdDecompressJs(Readable.from([Buffer.from('not zstd at all')]))), (e: unknown) => e instanceof InvalidArgumentError && /bad frame magic/.test(e.message));
    const good = zstd(SAMPLE);
    await assert.rejects(all(zstdDecompressJs(Readable.from([good.subarray(0, good.length - 100)]))), (e: unknown) => e instanceof InvalidArgumentError && /truncated/.test(e.message));
    const oversized = rleFrame(0x38, 1, 200 << 10); // an RLE block bigger than the 128 KiB block maximum
    await assert.rejects(all(zstdDecompressJs(Readable.from([oversized]))), (e: unknown) => e instanceof InvalidArgumentError && /block/.test(e.message));
  });
});
