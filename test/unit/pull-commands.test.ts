// The vscode-free parts of the pull commands: the notification's text, the reference quick pick's rows, registry
// logins in (fake) SecretStorage chained before ~/.docker/config.json, host validation and archive file names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BlobProgress, PullProgress } from '../../packages/containerd-client/src';
import { baseNameFor, exportFileName } from '../../src/commands/images/import-export-names';
import { describePullProgress, summarisePull } from '../../src/commands/images/pull-progress';
import { referenceItems } from '../../src/commands/images/pull-reference-items';
import { RegistryLogins, registryHostProblem } from '../../src/commands/registries/registry-credentials';

const MB = 1_000_000;
const blob = (n: number, over: Partial<BlobProgress> = {}): BlobProgress => ({
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 10 * MB,
  offset: 0, resumedFrom: 0, state: 'waiting', ...over,
});
const progress = (over: Partial<PullProgress>): PullProgress => ({
  reference: 'docker.io/library/redis:alpine', phase: 'fetching', blobs: [], totalBytes: 0, doneBytes: 0, downloadedBytes: 0,
  unpackedLayers: 0, layersToUnpack: 0, ...over,
});

describe('pull commands (unit)', () => {
  describe('notification text', () => {
    it('names the phase while resolving and fetching manifests', () => {
      assert.deepEqual(describePullProgress(progress({ phase: 'resolving' })), { message: 'resolving docker.io/library/redis:alpine…', fraction: 0 });
      assert.equal(describePullProgress(progress({})).message, 'fetching manifests…');
    });

    it('shows layers done, bytes of the total, each downloading layer\'s bytes, and unpack progress', () => {
      const p = progress({
        blobs: [
          blob(1, { state: 'exists', offset: 10 * MB, unpack: 'done' }),
          blob(2, { state: 'downloading', offset: 2.5 * MB, unpack: 'pending' }),
          blob(3, { state: 'downloading', offset: 4 * MB, resumedFrom: 3 * MB, unpack: 'pending' }),
          blob(4, { unpack: 'pending' }),
        ],
        totalBytes: 40 * MB, doneBytes: 16.5 * MB, unpackedLayers: 1, layersToUnpack: 4,
      });
      const { message, fraction } = describePullProgress(p);
      assert.equal(message, '1/4 layers · 17 MB of 40 MB · ↓ 222222222222 2.5 MB/10 MB, 333333333333 4.0 MB/10 MB (resumed) · unpacked 1/4');
      assert.ok(fraction > 0.38 && fraction < 0.40, String(fraction));
    });

    it('summarises more than three downloads and the unpacking phase', () => {
      const many = progress({ blobs: [1, 2, 3, 4, 5].map((n) => blob(n, { state: 'downloading' })), totalBytes: 50 * MB });
      assert.match(describePullProgress(many).message, /, \+2 more$/);
      const unpacking = progress({ phase: 'unpacking', blobs: [blob(1, { state: 'downloaded', unpack: 'applying' })], totalBytes: 10 * MB, layersToUnpack: 1 });
      assert.equal(describePullProgress(unpacking).message, 'unpacking 0/1 layers · applying 111111111111 · 10 MB fetched');
      assert.equal(describePullProgress(progress({ phase: 'done' })).fraction, 1);
    });

    it('summarises a finished pull', () => {
      const p = progress({ phase: 'done', blobs: [blob(1, { state: 'exists' }), blob(2, { state: 'downloaded', resumedFrom: 5 })], downloadedBytes: 12 * MB });
      assert.equal(summarisePull(p), '2 layers, 12 MB downloaded, 1 already present, 1 resumed');
    });
  });

  describe('reference quick pick rows', () => {
    it('shows the normalised reference to pull, and the platform choice', () => {
      const rows = referenceItems('redis:alpine', ['docker.io/library/busybox:latest'], 'linux/amd64');
      assert.equal(rows[0].label, '$(cloud-download) docker.io/library/redis:alpine');
      assert.equal(rows[0].detail, '"redis:alpine" is docker.io/library/redis:alpine');
      assert.equal(rows[0].reference, 'docker.io/library/redis:alpine');
      assert.equal(rows[0].description, 'pull for linux/amd64 (this host)');
      assert.equal(rows[1].choosePlatform, true);
      assert.equal(rows[2].reference, 'docker.io/library/busybox:latest');
    });

    it('accepts what users type', () => {
      const first = (typed: string): string | undefined => referenceItems(typed, [], 'linux/amd64')[0].reference;
      assert.equal(first('library/redis'), 'docker.io/library/redis:latest');
      assert.equal(first('localhost:5000/x:y'), 'localhost:5000/x:y');
      const digest = `sha256:${'a'.repeat(64)}`;
      assert.equal(first(`ghcr.io/org/app@${digest}`), `ghcr.io/org/app@${digest}`);
      assert.equal(referenceItems('ghcr.io/org/app:1', [], 'linux/amd64')[0].detail, undefined);
    });

    it('says why a reference is invalid, and offers nothing to pull', () => {
      const rows = referenceItems('Redis:Alpine', ['docker.io/library/redis:alpine'], 'linux/amd64');
      assert.equal(rows[0].reference, undefined);
      assert.equal(rows[0].label, '$(error) repository names must be lowercase');
      assert.equal(rows[1].reference, 'docker.io/library/redis:alpine');
      assert.deepEqual(referenceItems('', ['a:1'], 'x').map((r) => r.reference), ['a:1']);
    });
  });

  describe('registry logins', () => {
    let dir: string;
    let savedDockerConfig: string | undefined;
    const secrets = new Map<string, string>();
    const state = new Map<string, unknown>();
    const fakeSecrets = {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => { secrets.set(k, v); },
      delete: async (k: string) => { secrets.delete(k); },
      keys: async () => [...secrets.keys()],
      onDidChange: () => ({ dispose: () => undefined }),
    };
    const fakeState = {
      get: <T>(k: string) => state.get(k) as T | undefined,
      update: async (k: string, v: unknown) => { state.set(k, v); },
      keys: () => [...state.keys()],
    };
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logins-'));
      savedDockerConfig = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = dir;
      const auth = Buffer.from('dockeruser:dockerpass').toString('base64');
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth }, 'ghcr.io': { auth } } }));
    });
    after(() => {
      if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG; else process.env.DOCKER_CONFIG = savedDockerConfig;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('stores credentials as secrets, lists hosts, and prefers them over ~/.docker/config.json', async () => {
      const logins = new RegistryLogins(fakeSecrets as never, fakeState as never);
      await logins.store('https://index.docker.io/v1/', { username: 'me', password: 'pw' });
      assert.deepEqual(logins.hosts(), ['docker.io']);
      assert.ok(![...state.values()].some((v) => JSON.stringify(v).includes('pw')), 'no password outside the secret store');
      const provider = logins.provider();
      assert.deepEqual(await provider('registry-1.docker.io'), { username: 'me', password: 'pw' });
      assert.deepEqual(await provider('ghcr.io'), { username: 'dockeruser', password: 'dockerpass' });
      assert.equal(await provider('quay.io'), undefined);
      assert.equal(await logins.source('docker.io'), 'login');
      assert.equal(await logins.source('ghcr.io'), 'docker-config');
      await logins.remove('docker.io');
      assert.deepEqual(logins.hosts(), []);
      assert.deepEqual(await provider('docker.io'), { username: 'dockeruser', password: 'dockerpass' });
    });

    it('validates registry hosts', () => {
      assert.equal(registryHostProblem('docker.io'), undefined);
      assert.equal(registryHostProblem('localhost:5000'), undefined);
      assert.equal(registryHostProblem('https://ghcr.io/'), undefined);
      assert.match(registryHostProblem('not a host') ?? '', /not a registry host/);
      assert.match(registryHostProblem('') ?? '', /Enter a registry host/);
    });
  });

  it('names archives', () => {
    assert.equal(baseNameFor('/tmp/My App.tar'), 'my-app');
    assert.equal(baseNameFor('/tmp/redis_7.tar.gz'), 'redis_7');
    assert.equal(baseNameFor('/tmp/---.tar'), 'imported');
    assert.equal(exportFileName('docker.io/library/redis:alpine'), 'redis-alpine.tar');
    assert.equal(exportFileName('127.0.0.1:5000/a/b@sha256:' + 'c'.repeat(64)), 'b-latest.tar');
  });
});
