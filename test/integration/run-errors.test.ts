// Bad input to create, start and exec: each fails with a typed error and a message that says what to fix, and
// leaves nothing behind (containers, snapshots, leases, tasks, FIFO dirs are compared before and after).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chainId } from '../../packages/containerd-client/src/digest';
import { importImage, mapSource } from '../../packages/containerd-client/src/images/import';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../packages/containerd-client/src/errors';
import { isOwnedDir } from '../../packages/containerd-client/src/owned-dir';
import { execProcess, openShell, readImageFiles, startContainer, stopContainer } from '../../packages/containerd-client/src/run';
import { buildImage } from '../harness';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, inventory, logDir, rejectsCleanly } from '../harness/run-setup';

describe('run: bad input fails clearly and leaves nothing half-made', function () {
  let env: ClientEnv;
  let image: ImportedImage;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('run-errors');
    image = await importTestImage(env.client, 'test.local/run/errors:1', { cmd: ['sleep', '1000'] });
    await create(env, { id: 'existing', image: image.name });
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('a duplicate container id', async () => {
    await rejectsCleanly(env, () => create(env, { id: 'existing', image: image.name, snapshotName: 'fresh-name' }),
      AlreadyExistsError, /a container named "existing" already exists/);
  });

  it('an invalid container id', async () => {
    await rejectsCleanly(env, () => create(env, { id: 'bad id!', image: image.name }), InvalidArgumentError, /container id "bad id!" is not valid/);
    await rejectsCleanly(env, () => create(env, { id: '-dash', image: image.name }), InvalidArgumentError, /is not valid/);
    await rejectsCleanly(env, () => create(env, { id: 'x'.repeat(77), image: image.name }), InvalidArgumentError, /at most 76/);
  });

  it('a snapshot name that is taken (by another container, or by an image layer)', async () => {
    await rejectsCleanly(env, () => create(env, { id: 'wants-taken', image: image.name, snapshotName: 'existing-snapshot' }),
      AlreadyExistsError, /snapshot name "existing-snapshot" is taken/);
    const layer = (await env.client.snapshots.listAll()).find((s) => s.kind === 'committed');
    assert.ok(layer);
    await rejectsCleanly(env, () => create(env, { id: 'wants-layer', image: image.name, snapshotName: layer.name }), AlreadyExistsError, /is taken/);
    await rejectsCleanly(env, () => create(env, { id: 'empty-snap', image: image.name, snapshotName: ' ' }), InvalidArgumentError, /must not be empty/);
  });

  it('an image that is missing, or not unpacked', async () => {
    await rejectsCleanly(env, () => create(env, { id: 'no-image', image: 'test.local/run/none:1' }), NotFoundError, /image "test.local\/run\/none:1" not found/);
    // A layer no other image has, imported without unpacking: its chain has no snapshot.
    const oci = buildImage({ layers: [{ files: { '/only-here': 'packed only' } }] });
    await importImage(env.client, mapSource(oci.blobs), oci.manifestDescriptor, 'test.local/run/packed:1', { unpack: false });
    assert.ok(!(await env.client.snapshots.listAll()).some((s) => s.name === chainId(oci.config.rootfs.diff_ids)));
    await rejectsCleanly(env, () => create(env, { id: 'unpacked', image: 'test.local/run/packed:1' }), FailedPreconditionError, /is not unpacked for snapshotter overlayfs/);
  });

  it("a user the image's /etc/passwd does not have", async () => {
    await rejectsCleanly(env, () => create(env, { id: 'ghost', image: image.name, user: 'ghost' }), InvalidArgumentError,
      /user ghost not found in the image's \/etc\/passwd/);
    await rejectsCleanly(env, () => create(env, { id: 'ghost-group', image: image.name, user: 'app:nogang' }), InvalidArgumentError,
      /group nogang not found in the image's \/etc\/group/);
  });

  it('a bind mount whose host path is missing, or relative paths', async () => {
    const missing = path.join(env.daemon.dir, 'no-such-dir');
    await rejectsCleanly(env, () => create(env, { id: 'binds', image: image.name, mounts: [{ source: missing, destination: '/data', readonly: false }] }),
      InvalidArgumentError, /bind mount source ".*no-such-dir" does not exist/);
    await rejectsCleanly(env, () => create(env, { id: 'binds', image: image.name, mounts: [{ source: env.daemon.dir, destination: 'data', readonly: false }] }),
      InvalidArgumentError, /destination "data" must be an absolute path/);
    await rejectsCleanly(env, () => create(env, { id: 'cwd', image: image.name, cwd: 'tmp' }), InvalidArgumentError, /must be an absolute path/);
  });

  it('a create containerd refuses (a label over its 4096-byte limit) removes the log folders it made, and only those', async () => {
    const labels = { 'test.local/huge': 'x'.repeat(5000) };
    // 1.6/1.7: "label key and value greater than maximum size"; 2.x adds "length (N bytes)" and the limit.
    const refused = /label key and value (length \(\d+ bytes\) )?greater than maximum size/;
    // Two levels made by this create (mkdir -p): both go, and their parent stays.
    const fresh = path.join(env.daemon.dir, 'fresh-logs');
    await rejectsCleanly(env, () => create(env, { id: 'huge-label', image: image.name, labels, logPath: path.join(fresh, 'nested', 'huge.log') }),
      InvalidArgumentError, refused);
    assert.ok(!fs.existsSync(fresh), `${fresh} was made by the failed create and must be gone`);
    assert.ok(fs.existsSync(env.daemon.dir));
    // A folder that was there (no marker of ours) keeps what it holds.
    const kept = path.join(env.daemon.dir, 'kept-logs');
    fs.mkdirSync(kept, { mode: 0o700 });
    fs.writeFileSync(path.join(kept, 'old.log'), 'old');
    await rejectsCleanly(env, () => create(env, { id: 'huge-label', image: image.name, labels, logPath: path.join(kept, 'huge.log') }), InvalidArgumentError, refused);
    assert.deepEqual(fs.readdirSync(kept), ['old.log']);
    // The log folder an earlier create made and marked stays marked (Start trusts its labels by that marker).
    await rejectsCleanly(env, () => create(env, { id: 'huge-label', image: image.name, labels }), InvalidArgumentError, refused);
    assert.ok(isOwnedDir(logDir(env), 'logs'), 'the existing log folder keeps its marker');
  });

  it('a command the image does not have: start fails saying so', async () => {
    await create(env, { id: 'no-cmd', image: image.name, args: ['no-such-command', 'x'] });
    await rejectsCleanly(env, () => startContainer(env.client, 'no-cmd'), NotFoundError, /command "no-such-command" not found in container "no-cmd"/);
  });

  it('exec: a command not found, a container without a task, a stopped task, a bad user', async () => {
    await create(env, { id: 'runner', image: image.name });
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['ls'], tty: false }), FailedPreconditionError, /it has no task; start it first/);
    await startContainer(env.client, 'runner');
    const opts = { fifoBaseDir: env.fifoBaseDir };
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['nope'], tty: true, ...opts }), NotFoundError, /command "nope" not found in container "runner"/);
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['/bin/nope'], tty: false, ...opts }), NotFoundError, /command "\/bin\/nope" not found/);
    await rejectsCleanly(env, () => openShell(env.client, 'runner', { shells: ['bash', 'zsh'], ...opts }), NotFoundError, /no shell in container "runner": tried bash, zsh/);
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['id'], tty: false, user: 'ghost', ...opts }), InvalidArgumentError, /user ghost not found/);
    const dup = await execProcess(env.client, 'runner', { args: ['sleep', '100'], tty: false, execId: 'dup', ...opts });
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['true'], tty: false, execId: 'dup', ...opts }), AlreadyExistsError, /dup/);
    await dup.kill('SIGKILL');
    await dup.exited;
    await dup.delete();
    await stopContainer(env.client, 'runner', { timeoutMs: 2000, keepTask: true });
    await rejectsCleanly(env, () => execProcess(env.client, 'runner', { args: ['ls'], tty: true, ...opts }), FailedPreconditionError, /its task has stopped/);
    await stopContainer(env.client, 'runner');
    assert.deepEqual((await inventory(env)).tasks, [], 'no task left');
  });

  it('reads /etc/passwd and /etc/group through layers: newest wins, whiteouts and opaque dirs hide older files', async () => {
    const layered = await importTestImage(env.client, 'test.local/run/layers:1', {
      layers: [
        { files: { '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nlayer1:x:11:11::/:/bin/sh\n', '/etc/motd': 'old' } },
        { deletes: ['/etc/group'] },
        { opaque: ['/opt'], files: { '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nlayer3:x:33:33::/:/bin/sh\n' } },
      ],
    });
    const files = await readImageFiles(env.client, layered.resolved.manifest, ['/etc/passwd', 'etc/group', './etc/motd', '/etc/none']);
    assert.match(files.get('etc/passwd')?.toString() ?? '', /layer3/);
    assert.equal(files.get('etc/group'), undefined, 'deleted by a whiteout');
    assert.equal(files.get('etc/motd')?.toString(), 'old');
    assert.equal(files.get('etc/none'), undefined);
    const hidden = await importTestImage(env.client, 'test.local/run/opaque:1', { layers: [{ opaque: ['/etc'], files: { '/etc/hostname': 'x' } }] });
    const h = await readImageFiles(env.client, hidden.resolved.manifest, ['etc/passwd', 'etc/hostname']);
    assert.equal(h.get('etc/passwd'), undefined, 'an opaque /etc hides the base layer\'s passwd');
    assert.equal(h.get('etc/hostname')?.toString(), 'x');
    await rejectsCleanly(env, () => create(env, { id: 'no-passwd', image: hidden.name, user: 'app' }), InvalidArgumentError, /the image has no \/etc\/passwd/);
  });
});
