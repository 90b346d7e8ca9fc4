// zstd decompression on every Node.js the extension runs on: zlib's own where it has zstd (Node 22.15+), else
// the pure-JS fzstd (VS Code before 1.101 runs extensions on Node 20). fzstd would allocate whatever window a
// frame header asks for (up to 2 GiB) and inflate a whole input chunk at once, so this file reads the frame
// and block headers itself: windows above libzstd's default cap are refused, and fzstd gets one block per
// push, so each step yields at most one block (128 KiB) and the consumer's pace bounds memory.
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { InvalidArgumentError } from '../errors';
import { checkSize, MAX_ZSTD_WINDOW_BYTES } from '../limits';

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50; // low 4 bits are free
const BLOCK_MAX = 128 << 10;
const DICT_ID_BYTES = [0, 1, 2, 4];

type NativeZstd = (options?: zlib.ZlibOptions) => NodeJS.ReadWriteStream;

/** zlib's zstd decompressor when this Node.js has one. */
function nativeZstd(): NativeZstd | undefined {
  return (zlib as unknown as { createZstdDecompress?: NativeZstd }).createZstdDecompress;
}

type Unit = { length: number; frame?: { blockMax: number; checksum: boolean }; skip?: number };

/** The frame (or skippable frame) header at `pos`, or how many bytes from `pos` are needed to read it. */
function frameHeader(b: Buffer, pos: number, what: string, maxWindow: number): Unit | number {
  if (b.length - pos < 5) return 5;
  const magic = b.readUInt32LE(pos);
  if ((magic & 0xfffffff0) === SKIPPABLE_MAGIC) {
    return b.length - pos < 8 ? 8 : { length: 8, skip: b.readUInt32LE(pos + 4) };
  }
  if (magic !== FRAME_MAGIC) throw new InvalidArgumentError(`${what} is not zstd data (bad frame magic)`);
  const fhd = b[pos + 4];
  const singleSegment = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  const dictBytes = DICT_ID_BYTES[fhd & 3];
  const length = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
  if (b.length - pos < length) return length;
  let window: number;
  if (singleSegment) {
    // The window is the whole content: its declared size.
    const at = pos + length - fcsBytes;
    window = fcsBytes === 8 ? b.readUInt32LE(at + 4) * 2 ** 32 + b.readUInt32LE(at) : b.readUIntLE(at, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
  } else {
    const wd = b[pos + 5];
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  checkSize(`the zstd window of ${what}`, window, maxWindow);
  return { length, frame: { blockMax: Math.min(window, BLOCK_MAX), checksum: ((fhd >> 2) & 1) === 1 } };
}

/** Decompresses a zstd stream with fzstd, one block at a time (see the file comment). */
export async function* zstdDecompressJs(source: AsyncIterable<Buffer | Uint8Array>, what = 'the data', maxWindow = MAX_ZSTD_WINDOW_BYTES): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  const dec = new Decompress((data) => { if (data.length) out.push(Buffer.from(data.buffer, data.byteOffset, data.length)); });
  const push = (bytes: Uint8Array, final = false): void => {
    try {
      dec.push(bytes, final);
    } catch (e) {
      throw new InvalidArgumentError(`${what} is not valid zstd data: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  // Input not consumed yet: `pending` then `queue`. Chunks are only joined once the next unit is complete,
  // so small chunks do not copy a partial 128 KiB block over and over.
  let pending: Buffer = Buffer.alloc(0);
  const queue: Buffer[] = [];
  let available = 0;
  let need = 1;
  let frame: Unit['frame'];
  // Bytes handed through as they are: a frame's checksum, or a skippable frame's content.
  let skip = 0;
  for await (const chunk of source) {
    queue.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    available += chunk.length;
    if (available < need) continue;
    pending = Buffer.concat([pending, ...queue.splice(0)]);
    let pos = 0;
    for (;;) {
      const avail = pending.length - pos;
      let length: number;
      if (skip > 0) {
        length = Math.min(skip, avail);
        skip -= length;
        need = 1;
      } else if (frame) {
        need = 3;
        if (avail < 3) break;
        const h = pending.readUIntLE(pos, 3);
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        if (type === 3) throw new InvalidArgumentError(`${what} is not valid zstd data (reserved block type)`);
        if (size > frame.blockMax) throw new InvalidArgumentError(`${what} is not valid zstd data (a ${size}-byte block in a frame whose blocks are at most ${frame.blockMax})`);
        length = need = 3 + (type === 1 ? 1 : size);
        if (avail < length) break;
        if (h & 1) { skip = frame.checksum ? 4 : 0; frame = undefined; }
      } else {
        const unit = frameHeader(pending, pos, what, maxWindow);
        if (typeof unit === 'number') { need = unit; break; }
        length = unit.length;
        frame = unit.frame;
        skip = unit.skip ?? 0;
      }
      if (length === 0) break;
      push(pending.subarray(pos, pos + length));
      pos += length;
      for (const o of out.splice(0)) yield o;
    }
    pending = pending.subarray(pos);
    available = pending.length;
  }
  if (available || frame || skip) throw new InvalidArgumentError(`${what} is not valid zstd data (truncated)`);
  push(new Uint8Array(0), true);
  for (const o of out.splice(0)) yield o;
}

/** Decompresses a zstd stream: zlib's decompressor where Node.js has one, else zstdDecompressJs. */
export function zstdDecompress(source: Readable, what?: string): AsyncIterable<Buffer> {
  const native = nativeZstd();
  if (!native) return Readable.from(zstdDecompressJs(source, what));
  const d = native({ chunkSize: 1 << 20 });
  source.on('error', (e) => (d as unknown as Readable).destroy(e));
  return source.pipe(d) as unknown as Readable;
}
