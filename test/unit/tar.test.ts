import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MAX_TAR_HEADER_BYTES, TooLargeError } from '../../packages/containerd-client/src/limits';
import { createTar, createTarStream, encodeTarHeader, readTar, TarEntry, TarInput } from '../../packages/containerd-client/src/oci/tar';

const LONG_DIR = 'a'.repeat(60) + '/' + 'b'.repeat(60);
const LONG_NAME = `${LONG_DIR}/${'c'.repeat(70)}.txt`;
const MTIME = new Date('2024-03-01T12:00:00Z');

const SAMPLE: TarInput[] = [
  { name: 'etc/', type: 'directory', mode: 0o755, mtime: MTIME },
  { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644, mtime: MTIME },
  { name: 'tmp', type: 'directory', mode: 0o1777, mtime: MTIME },
  { name: 'bin/sh', type: 'symlink', linkname: 'busybox', mtime: MTIME },
  { name: 'bin/busybox', content: Buffer.alloc(1500, 7), mode: 0o755, uid: 1000, gid: 1001, uname: 'app', gname: 'grp', mtime: MTIME },
  { name: 'bin/ls', type: 'hardlink', linkname: 'bin/busybox', mtime: MTIME },
  { name: LONG_NAME, content: 'long\n', mtime: MTIME },
  { name: 'long-link', type: 'symlink', linkname: `/${LONG_NAME}`, mtime: MTIME },
  { name: 'unicode-é-名前.txt', content: 'u', mtime: MTIME },
  { name: 'big-ids', content: '', uid: 5_000_000, gid: 6_000_000, mtime: MTIME },
  { name: 'empty', content: '', mtime: MTIME },
  { name: 'exact512', content: Buffer.alloc(512, 1), mtime: MTIME },
];

async function collect(source: Buffer | Readable): Promise<Array<Omit<TarEntry, 'buffer' | 'chunks'> & { body: Buffer }>> {
  const out = [];
  for await (const e of readTar(source)) {
    const { buffer, chunks: _chunks, ...header } = e;
    out.push({ ...header, body: await buffer() });
  }
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
}

describe('tar writer and reader', () => {
  let dir: string;
  beforeEach(() => { dir = tmpDir(); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips every kind of entry it writes', async () => {
    const tar = createTar(SAMPLE);
    assert.equal(tar.length % 512, 0);
    const entries = await collect(tar);
    assert.deepEqual(entries.map((e) => e.name), SAMPLE.map((e) => (e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name)));
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.equal(byName.get('etc/passwd')?.body.toString(), 'root:x:0:0::/root:/bin/sh\n');
    assert.equal(byName.get('tmp/')?.mode, 0o1777);
    assert.equal(byName.get('tmp/')?.type, 'directory');
    assert.equal(byName.get('bin/sh')?.type, 'symlink');
    assert.equal(byName.get('bin/sh')?.linkname, 'busybox');
    const bb = byName.get('bin/busybox');
    assert.deepEqual([bb?.uid, bb?.gid, bb?.uname, bb?.gname, bb?.mode, bb?.size], [1000, 1001, 'app', 'grp', 0o755, 1500]);
    assert.equal(bb?.mtime.getTime(), MTIME.getTime());
    assert.equal(byName.get('bin/ls')?.type, 'hardlink');
    assert.equal(byName.get(LONG_NAME)?.body.toString(), 'long\n');
    assert.equal(byName.get('long-link')?.linkname, `/${LONG_NAME}`);
    assert.equal(byName.get('unicode-é-名前.txt')?.body.toString(), 'u');
    assert.deepEqual([byName.get('big-ids')?.uid, byName.get('big-ids')?.gid], [5_000_000, 6_000_000]);
    assert.equal(byName.get('exact512')?.body.length, 512);
  });

  it('writes archives GNU tar lists and extracts faithfully', () => {
    const file = path.join(dir, 'out.tar');
    fs.writeFileSync(file, createTar(SAMPLE));
    const listing = execFileSync('tar', ['--numeric-owner', '--utc', '-tvf', file], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(listing.length, SAMPLE.length);
    assert.match(listing[0], /^drwxr-xr-x 0\/0 +0 2024-03-01 12:00 etc\/$/);
    assert.match(listing[2], /^drwxrwxrwt 0\/0 +0 .* tmp\/$/);
    assert.match(listing[3], /^lrwxrwxrwx 0\/0 +0 .* bin\/sh -> busybox$/);
    assert.match(listing[4], /^-rwxr-xr-x 1000\/1001 +1500 .* bin\/busybox$/);
    assert.match(listing[5], /^hrw-r--r-- 0\/0 +0 .* bin\/ls link to bin\/busybox$/);
    assert.ok(listing[6].endsWith(` ${LONG_NAME}`), listing[6]);
    assert.match(listing[9], /^-rw-r--r-- 5000000\/6000000 /);

    const out = path.join(dir, 'x');
    fs.mkdirSync(out);
    execFileSync('tar', ['-xpf', file, '-C', out]);
    assert.equal(fs.readFileSync(path.join(out, 'etc/passwd'), 'utf8'), 'root:x:0:0::/root:/bin/sh\n');
    assert.equal(fs.statSync(path.join(out, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.readlinkSync(path.join(out, 'bin/sh')), 'busybox');
    assert.equal(fs.statSync(path.join(out, 'bin/ls')).ino, fs.statSync(path.join(out, 'bin/busybox')).ino);
    assert.equal(fs.readFileSync(path.join(out, LONG_NAME), 'utf8'), 'long\n');
    assert.equal(fs.readFileSync(path.join(out, 'unicode-é-名前.txt'), 'utf8'), 'u');
  });

  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`reads what GNU tar writes (--format=${format})`, async () => {
      const src = path.join(dir, 'src');
      const longDir = path.join(src, LONG_DIR);
      fs.mkdirSync(longDir, { recursive: true });
      // ustar can only split names at a slash into prefix+name, so keep the leaf short there.
      const leaf = format === 'ustar' ? 'leaf.txt' : `${'c'.repeat(70)}.txt`;
      fs.writeFileSync(path.join(longDir, leaf), 'deep\n');
      fs.writeFileSync(path.join(src, 'file'), 'hello\n', { mode: 0o600 });
      fs.symlinkSync('file', path.join(src, 'link'));
      fs.linkSync(path.join(src, 'file'), path.join(src, 'hard'));
      const file = path.join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', file, '-C', src, '.']);
      const entries = await collect(fs.createReadStream(file, { highWaterMark: 700 }));
      const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, ''), e]));
      assert.equal(byName.get(`${LONG_DIR}/${leaf}`)?.body.toString(), 'deep\n');
      assert.equal(byName.get(`${LONG_DIR}/`)?.type, 'directory');
      assert.equal(byName.get('file')?.body.toString(), 'hello\n');
      assert.equal(byName.get('file')?.mode, 0o600);
      assert.equal(byName.get('link')?.type, 'symlink');
      assert.equal(byName.get('link')?.linkname, 'file');
      const hard = byName.get('hard')?.type === 'hardlink' ? byName.get('hard') : byName.get('file');
      assert.equal(hard?.type, 'hardlink');
    });
  }

  it('streams: content from async iterables, read back through tiny chunks', async () => {
    async function* parts(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(100, i);
    }
    const stream = createTarStream([
      { name: 'streamed', content: parts(), size: 1000 },
      { name: 'inline', content: 'x' },
    ]);
    const whole = await new Promise<Buffer>((resolve, reject) => {
      const bufs: Buffer[] = [];
      stream.on('data', (b: Buffer) => bufs.push(b)).on('end', () => resolve(Buffer.concat(bufs))).on('error', reject);
    });
    const slices: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 7) slices.push(whole.subarray(i, i + 7));
    const entries = await collect(Readable.from(slices));
    assert.deepEqual(entries.map((e) => [e.name, e.body.length]), [['streamed', 1000], ['inline', 1]]);
    assert.equal(entries[0].body[999], 9);
  });

  it('rejects a streamed entry whose content does not match its size', async () => {
    const stream = createTarStream([{ name: 'short', content: Readable.from([Buffer.alloc(10)]), size: 11 }]);
    await assert.rejects(async () => { for await (const _ of stream) { /* drain */ } }, /has 10 bytes, expected 11/);
  });

  it('skips bodies that are not read and stops early without reading the rest', async () => {
    const names: string[] = [];
    for await (const e of readTar(createTar(SAMPLE))) {
      names.push(e.name);
      if (e.name === 'bin/ls') break;
    }
    assert.deepEqual(names, SAMPLE.slice(0, 6).map((e) => (e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name)));
  });

  it('encodes sizes beyond ustar in PAX and reports them', async () => {
    const header = encodeTarHeader({ name: 'huge' }, 2 ** 34);
    const it = readTar(header);
    const first = await it.next();
    assert.equal(first.done, false);
    assert.equal(first.value?.size, 2 ** 34);
    await it.return(undefined);
    // GNU tar lists the entry, then fails on the missing body: its stdout is what matters.
    const result = spawnSync('tar', ['-tvf', '-'], { input: header, encoding: 'utf8' });
    assert.match(result.stdout, /17179869184 .* huge/);
  });

  for (const [flag, what] of [['x', 'PAX'], ['g', 'PAX'], ['L', 'GNU long-name']]) {
    it(`refuses a ${flag} header over ${MAX_TAR_HEADER_BYTES} bytes without reading it`, async () => {
      // A ustar block of type `flag` announcing 64 MiB, then a lazy source of zeros that counts what is pulled.
      const block = Buffer.alloc(512);
      block.write('././@LongLink', 0);
      block.write(`${(64 << 20).toString(8).padStart(11, '0')}\0`, 124);
      block.write(flag, 156);
      block.write('ustar\x0000', 257, 'latin1');
      block.fill(0x20, 148, 156);
      block.write(`${block.reduce((n, v) => n + v, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      let pulled = 0;
      async function* source(): AsyncGenerator<Buffer> {
        yield block;
        for (let i = 0; i < 64; i++) { pulled += 1 << 20; yield Buffer.alloc(1 << 20); }
      }
      await assert.rejects(collect(Readable.from(source())), (e: unknown) => {
        assert.ok(e instanceof TooLargeError, String(e));
        assert.equal(e.message, `tar ${what} header is 64 MiB, over the 1 MiB limit: refusing it (the image or archive is corrupt or hostile)`);
        return true;
      });
      assert.ok(pulled <= 2 << 20, `${pulled} bytes were pulled from the source`);
    });
  }

  it('fails on a corrupted header', async () => {
    const tar = createTar([{ name: 'a', content: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    await assert.rejects(collect(tar), /checksum/);
  });
});
