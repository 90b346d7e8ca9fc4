// Minimal tar writer and reader (POSIX ustar + PAX extended headers; reads GNU long names too).
// Used for image layers, OCI layouts and image archives; pure (no fs, no child processes).
import { Readable } from 'node:stream';
import { checkSize, MAX_TAR_HEADER_BYTES } from '../limits';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'chardev' | 'blockdev' | 'directory' | 'fifo' | 'other';

export interface TarHeader {
  /** Path as stored in the archive (directories keep their trailing `/`). */
  name: string;
  type: TarEntryType;
  /** Permission bits including setuid/setgid/sticky (masked with 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  mtime: Date;
  /** Target of a symlink or hardlink. */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** PAX records (global, then per-entry) that applied, including ones not mapped to fields (xattrs…). */
  pax: Record<string, string>;
}

export interface TarInput {
  name: string;
  /** Default: 'directory' when name ends with `/`, else 'file'. */
  type?: TarEntryType;
  /** Default 0o644 (files), 0o755 (directories), 0o777 (symlinks). */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** A Date or seconds since the epoch. Default 0, so output is reproducible. */
  mtime?: Date | number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extra PAX records to emit, e.g. `SCHILY.xattr.user.x`. */
  pax?: Record<string, string>;
  content?: Buffer | string;
}

export interface TarStreamInput extends Omit<TarInput, 'content'> {
  /** Streamed content needs `size`; a Buffer or string gives its own. */
  content?: Buffer | string | AsyncIterable<Buffer>;
  size?: number;
}

export interface TarEntry extends TarHeader {
  /** Reads the whole body. Call before advancing the iterator; bodies not read are skipped. */
  buffer(): Promise<Buffer>;
  /** Streams the body; same rule as buffer(). */
  chunks(): AsyncIterable<Buffer>;
}

const BLOCK = 512;
const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;
const TYPE_FLAGS: Record<TarEntryType, string> = {
  file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', directory: '5', fifo: '6', other: '0',
};

function toSeconds(mtime: Date | number = 0): number {
  return Math.floor(typeof mtime === 'number' ? mtime : mtime.getTime() / 1000);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  // The length prefix counts its own digits: iterate to the fixed point (at most two steps).
  let len = bodyLen + String(bodyLen).length;
  while (bodyLen + String(len).length !== len) len = bodyLen + String(len).length;
  return Buffer.from(`${len}${body}`);
}

function writeString(buf: Buffer, value: string, offset: number, length: number): void {
  Buffer.from(value).copy(buf, offset, 0, length);
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  const s = Math.max(0, Math.floor(value)).toString(8).padStart(length - 1, '0');
  buf.write(`${s}\0`, offset, length, 'ascii');
}

function ustarBlock(h: {
  name: string; mode: number; uid: number; gid: number; size: number; mtime: number; flag: string;
  linkname: string; uname: string; gname: string; devmajor: number; devminor: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, h.name, 0, 100);
  writeOctal(b, h.mode & 0o7777, 100, 8);
  writeOctal(b, h.uid, 108, 8);
  writeOctal(b, h.gid, 116, 8);
  writeOctal(b, h.size, 124, 12);
  writeOctal(b, h.mtime, 136, 12);
  b.write(h.flag, 156, 1, 'ascii');
  writeString(b, h.linkname, 157, 100);
  b.write('ustar\x0000', 257, 8, 'ascii');
  writeString(b, h.uname, 265, 32);
  writeString(b, h.gname, 297, 32);
  writeOctal(b, h.devmajor, 329, 8);
  writeOctal(b, h.devminor, 337, 8);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return b;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

const fits = (s: string, max: number): boolean => Buffer.byteLength(s) <= max && /^[\x20-\x7e]*$/.test(s);

/** The header block(s) of one entry: a PAX header first when a field does not fit ustar. */
export function encodeTarHeader(input: Omit<TarInput, 'content'>, size: number): Buffer {
  const type = input.type ?? (input.name.endsWith('/') ? 'directory' : 'file');
  const name = type === 'directory' && !input.name.endsWith('/') ? `${input.name}/` : input.name;
  const mtime = toSeconds(input.mtime);
  const pax: Record<string, string> = { ...(input.pax ?? {}) };
  // A value that does not fit its ustar field goes to a PAX record; the field then holds a placeholder.
  const str = (key: string, value: string, max: number): string => {
    if (!fits(value, max)) pax[key] = value;
    return pax[key] === undefined ? value : '';
  };
  const num = (key: string, value: number, max: number): number => {
    if (value < 0 || value > max) pax[key] = String(value);
    return pax[key] === undefined ? value : 0;
  };
  const main = ustarBlock({
    name: str('path', name, 100) || name.slice(-99).replace(/^\/+/, ''),
    mode: input.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
    uid: num('uid', input.uid ?? 0, MAX_OCTAL_7),
    gid: num('gid', input.gid ?? 0, MAX_OCTAL_7),
    size: num('size', size, MAX_OCTAL_11),
    mtime: num('mtime', mtime, MAX_OCTAL_11),
    flag: TYPE_FLAGS[type],
    linkname: str('linkpath', input.linkname ?? '', 100),
    uname: str('uname', input.uname ?? '', 32),
    gname: str('gname', input.gname ?? '', 32),
    devmajor: input.devmajor ?? 0,
    devminor: input.devminor ?? 0,
  });
  const keys = Object.keys(pax).sort();
  if (keys.length === 0) return main;
  const records = Buffer.concat(keys.map((k) => paxRecord(k, pax[k])));
  const base = name.replace(/\/+$/, '').split('/').pop() ?? 'entry';
  const paxHeader = ustarBlock({
    name: `PaxHeaders/${Buffer.from(base).subarray(0, 80).toString('latin1').replace(/[^\x20-\x7e]/g, '_')}`,
    mode: 0o644, uid: 0, gid: 0, size: records.length, mtime: Math.max(0, Math.min(mtime, MAX_OCTAL_11)),
    flag: 'x', linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0,
  });
  return Buffer.concat([paxHeader, records, padding(records.length), main]);
}

/** Two zero blocks close an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);

function inMemoryEntry(e: Omit<TarInput, 'content'>, content: Buffer | string | undefined): Buffer[] {
  const body = content === undefined ? Buffer.alloc(0) : Buffer.from(content);
  return [encodeTarHeader(e, body.length), body, padding(body.length)];
}

/** A whole archive in memory. */
export function createTar(entries: Iterable<TarInput>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(...inMemoryEntry(e, e.content));
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

async function* tarChunks(entries: Iterable<TarStreamInput> | AsyncIterable<TarStreamInput>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    if (e.content === undefined || typeof e.content === 'string' || Buffer.isBuffer(e.content)) {
      yield Buffer.concat(inMemoryEntry(e, e.content));
      continue;
    }
    if (e.size === undefined) throw new Error(`tar: streamed entry ${e.name} needs a size`);
    yield encodeTarHeader(e, e.size);
    let written = 0;
    for await (const chunk of e.content) {
      written += chunk.length;
      if (written > e.size) throw new Error(`tar: entry ${e.name} is longer than its size ${e.size}`);
      yield chunk;
    }
    if (written !== e.size) throw new Error(`tar: entry ${e.name} has ${written} bytes, expected ${e.size}`);
    yield padding(e.size);
  }
  yield TAR_END;
}

/** A streamed archive: entries (and their content) are pulled only as the stream is read. */
export function createTarStream(entries: Iterable<TarStreamInput> | AsyncIterable<TarStreamInput>): Readable {
  return Readable.from(tarChunks(entries), { objectMode: false });
}

/** Pulls exact byte counts out of a chunked source. */
class ByteReader {
  /** Unread rest of the last chunk pulled from the source. */
  private pending: Buffer | undefined;
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer | string>) {}

  /** Up to max bytes; empty only at end of input. */
  async readSome(max: number): Promise<Buffer> {
    while (!this.pending && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) this.pending = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
    const chunk = this.pending ?? Buffer.alloc(0);
    this.pending = chunk.length > max ? chunk.subarray(max) : undefined;
    return chunk.subarray(0, max);
  }

  /** Exactly n bytes, or fewer at end of input. */
  async read(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = await this.readSome(n - got);
      if (part.length === 0) break;
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const part = await this.readSome(Math.min(left, 1 << 20));
      if (part.length === 0) break;
      left -= part.length;
    }
    return n - left;
  }

  async close(): Promise<void> {
    if (!this.done && this.it.return) await this.it.return();
  }
}

function readString(b: Buffer, offset: number, length: number): string {
  const field = b.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readNumber(b: Buffer, offset: number, length: number): number {
  const field = b.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian two's complement, first byte's top bit is the marker.
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = field.toString('ascii').replace(/^[ \0]+/, '').replace(/[\0 ].*$/s, '');
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(b: Buffer): boolean {
  const stored = readNumber(b, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

type HeaderKind = TarEntryType | 'pax' | 'global' | 'longname' | 'longlink';
const KINDS: Record<string, HeaderKind> = {
  '1': 'hardlink', '2': 'symlink', '3': 'chardev', '4': 'blockdev', '5': 'directory', '6': 'fifo',
  x: 'pax', g: 'global', L: 'longname', K: 'longlink',
};

function typeOf(flag: string, name: string): HeaderKind {
  // '0', NUL (pre-POSIX) and '7' (contiguous) are regular files; old archives mark directories by a slash.
  if (flag === '0' || flag === '\0' || flag === '7') return name.endsWith('/') ? 'directory' : 'file';
  return KINDS[flag] ?? 'other';
}

function sourceIterator(source: Readable | Buffer | AsyncIterable<Buffer>): AsyncIterator<Buffer | string> {
  if (Buffer.isBuffer(source)) return (async function* () { yield source; })();
  return (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
}

function decodeHeader(block: Buffer, kind: TarEntryType, records: Record<string, string>, longName?: string, longLink?: string): TarHeader {
  const num = (key: string, fallback: number): number => (records[key] !== undefined ? Number(records[key]) : fallback);
  const rawName = readString(block, 0, 100);
  // Only POSIX ustar has a name prefix; GNU's "ustar  " keeps other fields there.
  const prefix = block.toString('latin1', 257, 263) === 'ustar\0' ? readString(block, 345, 155) : '';
  // Like Go's archive/tar (what containerd uses), header-only types carry no data whatever their size field says.
  const hasBody = kind === 'file' || kind === 'other';
  return {
    name: records.path ?? longName ?? (prefix ? `${prefix}/${rawName}` : rawName),
    type: kind,
    mode: readNumber(block, 100, 8) & 0o7777,
    uid: num('uid', readNumber(block, 108, 8)),
    gid: num('gid', readNumber(block, 116, 8)),
    uname: records.uname ?? readString(block, 265, 32),
    gname: records.gname ?? readString(block, 297, 32),
    size: hasBody ? num('size', readNumber(block, 124, 12)) : 0,
    mtime: new Date(num('mtime', readNumber(block, 136, 12)) * 1000),
    linkname: records.linkpath ?? longLink ?? readString(block, 157, 100),
    devmajor: readNumber(block, 329, 8),
    devminor: readNumber(block, 337, 8),
    pax: records,
  };
}

/** Iterates entries of an (uncompressed) tar archive. Breaking out of the loop closes the source. */
export async function* readTar(source: Readable | Buffer | AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(sourceIterator(source));
  let globalPax: Record<string, string> = {};
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const block = await reader.read(BLOCK);
      if (block.length === 0 || block.every((v) => v === 0)) return;
      if (block.length < BLOCK) throw new Error('tar: truncated header');
      if (!checksumOk(block)) throw new Error('tar: bad header checksum');
      const kind = typeOf(block.toString('latin1', 156, 157), readString(block, 0, 100));
      if (kind === 'pax' || kind === 'global' || kind === 'longname' || kind === 'longlink') {
        const size = readNumber(block, 124, 12);
        // Refused before reading: one header with a huge size would otherwise be buffered whole.
        checkSize(`tar ${kind === 'pax' || kind === 'global' ? 'PAX' : 'GNU long-name'} header`, size, MAX_TAR_HEADER_BYTES);
        const data = await reader.read(size);
        if (data.length < size) throw new Error('tar: truncated extended header');
        await reader.skip(padding(size).length);
        if (kind === 'pax') pax = { ...pax, ...parsePax(data) };
        else if (kind === 'global') globalPax = { ...globalPax, ...parsePax(data) };
        else if (kind === 'longname') longName = readString(data, 0, data.length);
        else longLink = readString(data, 0, data.length);
        continue;
      }
      const header = decodeHeader(block, kind, { ...globalPax, ...pax }, longName, longLink);
      pax = {};
      longName = undefined;
      longLink = undefined;
      let remaining = header.size;
      let started = false;
      const chunks = async function* (): AsyncGenerator<Buffer> {
        if (started) throw new Error(`tar: body of ${header.name} was already read`);
        started = true;
        while (remaining > 0) {
          const part = await reader.readSome(Math.min(remaining, 1 << 20));
          if (part.length === 0) throw new Error(`tar: truncated body of ${header.name}`);
          remaining -= part.length;
          yield part;
        }
      };
      const buffer = async (): Promise<Buffer> => {
        const parts: Buffer[] = [];
        for await (const part of chunks()) parts.push(part);
        return Buffer.concat(parts);
      };
      yield { ...header, chunks, buffer };
      if ((await reader.skip(remaining)) < remaining) throw new Error(`tar: truncated body of ${header.name}`);
      await reader.skip(padding(header.size).length);
    }
  } finally {
    await reader.close();
  }
}
