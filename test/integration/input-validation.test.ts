// Input validation of the client against a real containerd: tagImage takes only names Pull's reference parser
// accepts (stored normalised), createContainer refuses bad env entries, and a bind mount of the host's root (here
// through a symlink) is refused unless explicitly allowed; each refusal leaves nothing behind.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { socketPathOf } from '../../packages/containerd-client/src/address';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { tagImage } from '../../packages/containerd-client/src/images/manage';
import { InvalidReferenceError } from '../../packages/containerd-client/src/registry/errors';
import { HostRootMountError } from '../../packages/containerd-client/src/run';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, rejectsCleanly } from '../harness/run-setup';

describe('client: input validation (tags, env, bind mounts)', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  let links: string;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('validation');
    image = await importTestImage(env.client, 'test.local/validation/app:1', { cmd: ['true'] });
    links = fs.mkdtempSync(path.join(env.daemon.dir, 'links-'));
    fs.symlinkSync('/', path.join(links, 'innocent-looking'));
    fs.symlinkSync('/etc', path.join(links, 'config'));
    fs.symlinkSync(path.join(links, 'nowhere'), path.join(links, 'dangling'));
    fs.mkdirSync(path.join(links, 'data'));
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  const names = async (): Promise<string[]> => (await env.client.images.list()).map((i) => i.name).sort();

  describe('tagImage', () => {
    const bad: [string, string, RegExp][] = [
      ['a newline', 'test.local/validation/bad\nname:1', /must not contain whitespace/],
      ['a trailing newline', 'test.local/validation/app:2\n', /must not start or end with spaces or newlines/],
      ['a NUL', 'test.local/validation/bad\0name:1', /must not contain control characters/],
      ['an empty tag', 'test.local/validation/app:', /tag is empty/],
      ['300 characters', `test.local/${'a'.repeat(289)}`, /at most 255 characters/],
      ['an uppercase repository', 'lab/BusyBox:x', /repository names must be lowercase/],
      ['a digest', `test.local/validation/app@sha256:${'a'.repeat(64)}`, /cannot carry a digest/],
      ['nothing', '', /reference is empty/],
    ];
    for (const [what, name, message] of bad) {
      it(`refuses a name with ${what}, creating nothing`, async () => {
        const before = await names();
        await assert.rejects(tagImage(env.client, image.name, name), (e: unknown) => {
          assert.ok(e instanceof InvalidArgumentError, String(e));
          assert.ok(e.cause instanceof InvalidReferenceError || /digest|newlines/.test(e.message), 'the cause is the parser\'s error');
          assert.match(e.message, message);
          assert.ok(e.message.startsWith(`invalid image name ${JSON.stringify(name)}: `), e.message);
          return true;
        });
        assert.deepEqual(await names(), before);
      });
    }

    it('accepts good names and stores them normalised as Pull does', async () => {
      const cases: [string, string][] = [
        ['lab/busybox:x', 'docker.io/lab/busybox:x'],
        ['app', 'docker.io/library/app:latest'],
        ['localhost:5000/team/app:1.0', 'localhost:5000/team/app:1.0'],
        ['test.local/validation/app:Copy_2', 'test.local/validation/app:Copy_2'],
        [`test.local/${'b'.repeat(200)}:${'t'.repeat(128)}`, `test.local/${'b'.repeat(200)}:${'t'.repeat(128)}`],
      ];
      for (const [typed, stored] of cases) {
        const tagged = await tagImage(env.client, image.name, typed);
        assert.equal(tagged.name, stored);
        assert.deepEqual((await env.client.images.get(stored)).target, image.record.target);
      }
    });
  });

  describe('createContainer: environment entries', () => {
    const bad: [string, RegExp][] = [
      ['BAD\nKEY=1', /environment variable name "BAD\\nKEY" must not contain spaces or control characters/],
      ['=x', /environment entry "=x" has no variable name: use KEY=value/],
      ['A B=1', /must not contain spaces/],
      ['', /has no variable name/],
      ['K=v\0w', /contains a NUL character/],
    ];
    for (const [entry, message] of bad) {
      it(`refuses ${JSON.stringify(entry)} before anything is made`, async () => {
        await rejectsCleanly(env, () => create(env, { id: 'bad-env', image: image.name, env: ['GOOD=1', entry] }), InvalidArgumentError, message);
      });
    }

    it('accepts names and values runc takes (newlines in values, a bare KEY)', async () => {
      const made = await create(env, { id: 'good-env', image: image.name, env: ['MULTI=a\nb', 'dotted.name-1=x', 'PATH'] });
      assert.ok(made.spec.process?.env?.includes('MULTI=a\nb'));
    });
  });

  describe('createContainer: bind mounts', () => {
    it("refuses the host's root through a symlink without allowHostRoot, leaving nothing", async () => {
      const source = path.join(links, 'innocent-looking');
      const e = await rejectsCleanly(env, () => create(env, { id: 'rooted', image: image.name, mounts: [{ source, destination: '/host', readonly: false }] }),
        HostRootMountError, /bind mount source ".*innocent-looking" resolves to "\/", the host's root filesystem: mounting it read-write on \/host/);
      assert.ok(e instanceof InvalidArgumentError);
      await rejectsCleanly(env, () => create(env, { id: 'rooted', image: image.name, mounts: [{ source: '/', destination: '/host', readonly: true }] }),
        HostRootMountError, /bind mount source "\/" is "\/".*read-only/);
    });

    it('with allowHostRoot: the spec mounts the resolved path and the result says what it resolved to', async () => {
      const source = path.join(links, 'innocent-looking');
      const made = await create(env, { id: 'rooted', image: image.name, allowHostRoot: true, mounts: [{ source, destination: '/host', readonly: false }] });
      assert.deepEqual(made.mounts.map((m) => [m.source, m.resolvedSource, m.hostRoot]), [[source, '/', true]]);
      assert.match(made.mounts[0].warning ?? '', /resolves to "\/"\) read-write on \/host: it is the whole host filesystem/);
      const record = await env.client.containers.get('rooted');
      const mounts = (record.spec as { mounts: { destination: string; source: string }[] }).mounts;
      assert.deepEqual(mounts.filter((m) => m.destination === '/host').map((m) => m.source), ['/']);
      assert.ok(!JSON.stringify(record.spec).includes('innocent-looking'), 'the symlink is not in the spec');
    });

    it('flags sensitive host paths (through symlinks too, and their parents), and leaves ordinary ones alone', async () => {
      const made = await create(env, {
        id: 'sensitive', image: image.name, mounts: [
          { source: path.join(links, 'config'), destination: '/cfg', readonly: true },
          { source: '/run', destination: '/hostrun', readonly: true },
          { source: path.join(links, 'data'), destination: '/data', readonly: false },
        ],
      });
      const [cfg, run, data] = made.mounts;
      assert.equal(cfg.resolvedSource, fs.realpathSync('/etc'));
      assert.match(cfg.warning ?? '', /resolves to "\/etc"\) read-only on \/cfg: it is the host's configuration/);
      assert.match(run.warning ?? '', /it contains/);
      assert.equal(data.warning, undefined);
      assert.equal(data.hostRoot, false);
    });

    it("flags this containerd's own socket", async () => {
      const socket = socketPathOf(env.daemon.address);
      const made = await create(env, { id: 'socket', image: image.name, mounts: [{ source: socket, destination: '/ctrd.sock', readonly: false }] });
      assert.match(made.mounts[0].warning ?? '', /this containerd's socket/);
    });

    it('a dangling symlink or a missing source is a clear error', async () => {
      await rejectsCleanly(env, () => create(env, { id: 'dangling', image: image.name, mounts: [{ source: path.join(links, 'dangling'), destination: '/d', readonly: false }] }),
        InvalidArgumentError, /bind mount source ".*dangling" is a symlink to ".*nowhere", which does not exist on this machine/);
      await rejectsCleanly(env, () => create(env, { id: 'missing', image: image.name, mounts: [{ source: path.join(links, 'gone'), destination: '/d', readonly: false }] }),
        InvalidArgumentError, /bind mount source ".*gone" does not exist on this machine/);
      await rejectsCleanly(env, () => create(env, { id: 'over-root', image: image.name, mounts: [{ source: path.join(links, 'data'), destination: '/', readonly: false }] }),
        InvalidArgumentError, /would replace the container's root filesystem/);
    });
  });
});
