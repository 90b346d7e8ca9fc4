// stageForUser (test/harness/unprivileged.ts) from a folder only root can enter, read back as nobody through
// setpriv: what the tests that drop privileges rely on when the checkout lies under /root or a `mktemp -d`.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { NOBODY, setprivArgs, stageForUser } from '../harness/unprivileged';

const execFileP = promisify(execFile);

/** Runs `node -e script` as nobody in `cwd`; returns its stdout. */
async function asNobody(script: string, cwd: string): Promise<string> {
  const { stdout } = await execFileP('setpriv', setprivArgs(process.execPath, ['-e', script]), { cwd, timeout: 30_000 });
  return stdout;
}

function stagedDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('ce-staging-test-'));
}

describe('unprivileged staging: a root-only checkout made readable to nobody', function () {
  this.timeout(60_000);
  let hidden: string;

  beforeEach(() => {
    // Like a clone under `mktemp -d`: a 0700 folder holding files of several modes and a small tree.
    hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-hidden-'));
    fs.chmodSync(hidden, 0o700);
    const tree = path.join(hidden, 'tree');
    fs.mkdirSync(path.join(tree, 'lib', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'lib', 'deep', 'data.txt'), 'deep data');
    fs.chmodSync(path.join(tree, 'lib', 'deep', 'data.txt'), 0o644);
    fs.writeFileSync(path.join(tree, 'private.txt'), 'private data');
    fs.chmodSync(path.join(tree, 'private.txt'), 0o600);
    fs.chmodSync(path.join(tree, 'lib'), 0o700);
    fs.symlinkSync(path.join('lib', 'deep', 'data.txt'), path.join(tree, 'inside-link'));
    fs.writeFileSync(path.join(hidden, 'outside.txt'), 'outside data');
    fs.symlinkSync(path.join(hidden, 'outside.txt'), path.join(tree, 'absolute-link'));
    fs.writeFileSync(path.join(hidden, 'tool.sh'), '#!/bin/sh\necho tool ran as $(id -u)\n');
    fs.chmodSync(path.join(hidden, 'tool.sh'), 0o4700);
  });

  afterEach(() => fs.rmSync(hidden, { recursive: true, force: true }));

  it('nobody cannot read the originals, but reads and runs every staged entry', async () => {
    const denied = await asNobody(`try { require('fs').readFileSync(${JSON.stringify(path.join(hidden, 'tree', 'lib', 'deep', 'data.txt'))}); console.log('read'); } catch (e) { console.log(e.code); }`, '/');
    assert.equal(denied.trim(), 'EACCES');

    const staged = stageForUser([path.join(hidden, 'tree'), { from: path.join(hidden, 'tool.sh'), as: 'bin/tool' }, { contents: 'written', as: 'etc/note.txt' }], 'staging-test');
    try {
      assert.equal(path.dirname(staged.dir), fs.realpathSync(os.tmpdir()));
      const files = ['tree/lib/deep/data.txt', 'tree/private.txt', 'tree/inside-link', 'tree/absolute-link', 'etc/note.txt'];
      const read = await asNobody(`const fs = require('fs'); console.log(JSON.stringify(${JSON.stringify(files)}.map((f) => fs.readFileSync(f, 'utf8'))));`, staged.dir);
      assert.deepEqual(JSON.parse(read), ['deep data', 'private data', 'deep data', 'outside data', 'written']);
      const ran = await execFileP('setpriv', setprivArgs(staged.path('bin', 'tool'), []), { cwd: staged.dir });
      assert.equal(ran.stdout, `tool ran as ${NOBODY}\n`);

      // A relative link inside the tree stays a link; one that leaves it becomes a copy of its target.
      assert.equal(fs.readlinkSync(staged.path('tree', 'inside-link')), path.join('lib', 'deep', 'data.txt'));
      assert.ok(fs.lstatSync(staged.path('tree', 'absolute-link')).isFile());
      // Readable files are hard links (code-server is large); a private one is a copy, the original untouched.
      assert.equal(fs.statSync(staged.path('tree', 'lib', 'deep', 'data.txt')).ino, fs.statSync(path.join(hidden, 'tree', 'lib', 'deep', 'data.txt')).ino);
      assert.notEqual(fs.statSync(staged.path('tree', 'private.txt')).ino, fs.statSync(path.join(hidden, 'tree', 'private.txt')).ino);
      assert.equal(fs.statSync(path.join(hidden, 'tree', 'private.txt')).mode & 0o7777, 0o600);
      // Never setuid, never writable by others, folders 0755 whatever the source's mode.
      assert.equal(fs.statSync(staged.path('bin', 'tool')).mode & 0o7777, 0o755);
      assert.equal(fs.statSync(staged.path('tree', 'lib')).mode & 0o7777, 0o755);
    } finally {
      staged.remove();
    }
    assert.equal(fs.existsSync(staged.dir), false);
  });

  it('refuses a name outside the folder and leaves nothing behind', () => {
    const before = stagedDirs();
    for (const as of ['../escape', '/etc/passwd', '.']) {
      assert.throws(() => stageForUser([{ contents: 'x', as }], 'staging-test'), /must be a relative path inside the staging folder/);
    }
    assert.throws(() => stageForUser([path.join(hidden, 'missing')], 'staging-test'), { code: 'ENOENT' });
    assert.deepEqual(stagedDirs(), before);
  });

  it('says what to do when the temp dir itself is under a folder others cannot enter', () => {
    const saved = process.env.TMPDIR;
    const inner = path.join(hidden, 'tmp');
    fs.mkdirSync(inner, { mode: 0o1777 });
    process.env.TMPDIR = inner;
    try {
      assert.throws(() => stageForUser([path.join(hidden, 'outside.txt')]), new RegExp(`^Error: ${hidden}.* cannot be entered by other users.*TMPDIR=/tmp`));
      assert.deepEqual(fs.readdirSync(inner), []);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
