// RegistryClient against Debian's docker-registry (harness), directly and through the token-auth and faulty
// proxies. Only 127.0.0.1 is ever contacted: every reference names a local host, or docker.io mapped to one by hosts.toml.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { Descriptor, ImageConfig, Index } from '../../packages/containerd-client/src/oci/image-types';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import {
  RegistryClient, type RegistryClientOptions, selectManifest, selectManifests, staticCredentials,
  DigestMismatchError, RegistryNotFoundError, RegistryUnreachableError, RegistryHttpError, RegistryAuthError, RegistryAbortError,
} from '../../packages/containerd-client/src/registry';
import {
  buildImage, buildMultiPlatformIndex, jsonBlob, sha256, pushImage, sharedRegistry, startRegistry, freePort,
  type OciImage, type OciImageIndex, type Registry,
} from '../harness';
import { proxyRequest, startTokenServer, type TokenServer } from '../harness/token-server';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function blob(image: OciImage | OciImageIndex, desc: Descriptor): Buffer {
  const b = image.blobs.get(desc.digest);
  assert.ok(b, `blob ${desc.digest}`);
  return b;
}


describe('registry client (integration)', function () {
  this.timeout(120_000);
  let registry: Registry;
  let faulty: FaultyRegistry;
  let certsDir: string;
  const clients: RegistryClient[] = [];
  const client = (opts: RegistryClientOptions = {}): RegistryClient => {
    const c = new RegistryClient({ certsDir, retryDelayMs: 10, ...opts });
    clients.push(c);
    return c;
  };
  // The random layer is big enough to arrive in several chunks, so a drop can happen mid-body.
  const oci = buildImage({ layers: [{ files: { '/hello.txt': 'hello' } }], incompressibleLayers: { count: 1, bytesEach: 300_000 } });
  const docker = buildImage({ docker: true, layers: [{ files: { '/docker.txt': 'schema2' } }] });
  const amd64 = buildImage({ platform: { architecture: 'amd64', os: 'linux' }, layers: [{ files: { '/arch': 'amd64' } }] });
  const arm64 = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, layers: [{ files: { '/arch': 'arm64' } }] });
  const attestation = buildImage({ base: false, platform: { architecture: 'unknown', os: 'unknown' }, layers: [{ files: { '/sbom.json': '{}' } }] });
  let multi: OciImageIndex;
  const bigLayerDesc = oci.layers[2].descriptor;

  before(async () => {
    registry = await sharedRegistry();
    faulty = await startFaultyRegistry(registry.url);
    certsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-certs-'));
    await pushImage(registry.host, 'rc/oci', 'v1', oci);
    await pushImage(registry.host, 'rc/docker', 'v1', docker);
    await pushImage(registry.host, 'public/oci', 'v1', oci);
    const base = buildMultiPlatformIndex([
      { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
    ]);
    const attEntry: Descriptor = {
      ...attestation.manifestDescriptor,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd64.manifestDescriptor.digest },
    };
    const index: Index = { ...base.index, manifests: [attEntry, ...base.index.manifests] };
    const bytes = jsonBlob(index);
    const indexDescriptor: Descriptor = { mediaType: MediaType.ociIndex, digest: sha256(bytes), size: bytes.length };
    const blobs = new Map([...base.blobs, ...attestation.blobs, [indexDescriptor.digest, bytes]]);
    multi = { index, indexDescriptor, images: [...base.images, { platform: { os: 'unknown', architecture: 'unknown' }, image: attestation }], blobs };
    await pushImage(registry.host, 'rc/multi', 'v1', multi);
  });

  afterEach(() => faulty.reset());

  after(async () => {
    for (const c of clients) c.close();
    await faulty?.stop();
    fs.rmSync(certsDir, { recursive: true, force: true });
  });

  describe('resolve and fetch', () => {
    it('resolves a tag to an OCI manifest and fetches it verified', async () => {
      const c = client();
      const r = await c.resolve(`${registry.host}/rc/oci:v1`);
      assert.equal(r.name, `${registry.host}/rc/oci:v1`);
      assert.deepEqual(r.descriptor, oci.manifestDescriptor);
      const m = await c.fetchManifest(r.reference, r.descriptor);
      assert.equal(m.kind, 'manifest');
      assert.equal(m.mediaType, MediaType.ociManifest);
      assert.deepEqual(m.bytes, blob(oci, oci.manifestDescriptor));
      assert.ok(m.kind === 'manifest' && m.manifest.layers.length === 3);
    });

    it('resolves a digest reference', async () => {
      const r = await client().resolve(`${registry.host}/rc/oci@${oci.manifestDescriptor.digest}`);
      assert.deepEqual(r.descriptor, oci.manifestDescriptor);
    });

    it('handles Docker schema 2 manifests', async () => {
      const c = client();
      const r = await c.resolve(`${registry.host}/rc/docker:v1`);
      assert.equal(r.descriptor.mediaType, MediaType.dockerManifest);
      const m = await c.fetchManifest(r.reference, r.descriptor);
      assert.ok(m.kind === 'manifest');
      assert.equal(m.manifest.config.mediaType, MediaType.dockerConfig);
      const config = JSON.parse((await c.fetchBlobBytes(r.reference, m.manifest.config)).toString()) as ImageConfig;
      assert.equal(config.rootfs.diff_ids.length, 2);
    });

    it('selects a platform from a multi-platform index, skipping attestations', async () => {
      const c = client();
      const ref = `${registry.host}/rc/multi:v1`;
      const r = await c.resolve(ref);
      assert.deepEqual(r.descriptor, multi.indexDescriptor);
      const idx = await c.fetchManifest(ref, r.descriptor);
      assert.ok(idx.kind === 'index');
      const chosen = selectManifest(idx.index, { os: 'linux', architecture: 'aarch64' }, r.name);
      assert.equal(chosen.digest, arm64.manifestDescriptor.digest);
      assert.deepEqual(selectManifests(idx.index, 'all').map((d) => d.digest),
        [amd64.manifestDescriptor.digest, arm64.manifestDescriptor.digest]);
      const m = await c.fetchManifest(ref, chosen);
      assert.ok(m.kind === 'manifest');
      const config = JSON.parse((await c.fetchBlobBytes(ref, m.manifest.config)).toString()) as ImageConfig;
      assert.equal(config.architecture, 'arm64');
    });

    it('streams a blob and verifies it', async () => {
      const data = await collect(await client().fetchBlob(`${registry.host}/rc/oci:v1`, bigLayerDesc));
      assert.deepEqual(data, blob(oci, bigLayerDesc));
    });

    it('starts at an offset with a Range request', async () => {
      const offset = 1000;
      const data = await collect(await client().fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc, { offset }));
      assert.deepEqual(data, blob(oci, bigLayerDesc).subarray(offset));
      assert.ok(faulty.requests.some((r) => r.range === `bytes=${offset}-` && r.path.includes(bigLayerDesc.digest)));
    });

    it('copes with a server that ignores Range', async () => {
      faulty.ignoreRange(true);
      const data = await collect(await client().fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc, { offset: 5000 }));
      assert.deepEqual(data, blob(oci, bigLayerDesc).subarray(5000));
    });

    it('follows blob redirects to storage without sending credentials there', async () => {
      faulty.redirectBlobs(true);
      const c = client({ credentials: staticCredentials({ [faulty.host]: { username: 'u', password: 'p' } }) });
      const data = await collect(await c.fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc));
      assert.deepEqual(data, blob(oci, bigLayerDesc));
      const storage = faulty.requests.filter((r) => r.server === 'storage');
      assert.equal(storage.length, 1);
      assert.equal(storage[0].authorization, false);
    });
  });

  describe('failures', () => {
    it('resumes with Range after dropped connections', async () => {
      faulty.dropBlob(bigLayerDesc.digest, 20_000, 2);
      const data = await collect(await client().fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc));
      assert.deepEqual(data, blob(oci, bigLayerDesc));
      const ranges = faulty.requests.filter((r) => r.path.includes(bigLayerDesc.digest)).map((r) => r.range);
      assert.deepEqual(ranges, [undefined, 'bytes=20000-', 'bytes=40000-']);
    });

    it('gives up when the connection keeps dropping', async () => {
      faulty.dropBlob(bigLayerDesc.digest, 10_000, 10);
      const stream = await client({ retries: 1 }).fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc);
      await assert.rejects(collect(stream), (e: unknown) => e instanceof RegistryUnreachableError && e.host === faulty.host);
    });

    it('reports a blob digest mismatch', async () => {
      faulty.corrupt(bigLayerDesc.digest);
      const stream = await client().fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc);
      await assert.rejects(collect(stream), (e: unknown) => e instanceof DigestMismatchError && e.expected.digest === bigLayerDesc.digest
        && /digest mismatch/.test(e.message));
    });

    it('reports a manifest digest mismatch', async () => {
      faulty.corrupt(oci.manifestDescriptor.digest);
      await assert.rejects(client().fetchManifest(`${faulty.host}/rc/oci:v1`, oci.manifestDescriptor), DigestMismatchError);
    });

    it('tells a missing tag from a missing repository and a missing blob', async () => {
      const c = client();
      await assert.rejects(c.resolve(`${registry.host}/rc/oci:nope`), (e: unknown) =>
        e instanceof RegistryNotFoundError && e.what === 'manifest' && e.message.includes(`${registry.host}/rc/oci:nope`));
      await assert.rejects(c.resolve(`${registry.host}/rc/none:v1`), (e: unknown) => e instanceof RegistryNotFoundError && e.what === 'repository');
      const missing = { ...bigLayerDesc, digest: sha256('missing') };
      await assert.rejects(c.fetchBlob(`${registry.host}/rc/oci:v1`, missing), (e: unknown) => e instanceof RegistryNotFoundError && e.what === 'blob');
    });

    it('retries 5xx answers, then reports them', async () => {
      faulty.fail(/\/manifests\/v1$/, 503, 2);
      const r = await client().resolve(`${faulty.host}/rc/oci:v1`);
      assert.equal(r.descriptor.digest, oci.manifestDescriptor.digest);
      faulty.fail(/\/manifests\/v1$/, 500);
      await assert.rejects(client({ retries: 1 }).resolve(`${faulty.host}/rc/oci:v1`), (e: unknown) => e instanceof RegistryHttpError && e.status === 500);
    });

    it('reports 403 as access denied', async () => {
      faulty.fail(/\/manifests\//, 403);
      await assert.rejects(client().resolve(`${faulty.host}/rc/oci:v1`), (e: unknown) => e instanceof RegistryAuthError && e.reason === 'denied' && e.status === 403);
    });

    it('names an unreachable host', async () => {
      const port = await freePort();
      await assert.rejects(client({ retries: 0 }).resolve(`127.0.0.1:${port}/x:y`), (e: unknown) =>
        e instanceof RegistryUnreachableError && e.syscallCode === 'ECONNREFUSED' && e.message === `cannot reach registry 127.0.0.1:${port}: connection refused`);
    });

    it('aborts before and during a transfer', async () => {
      const c = client();
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(c.resolve(`${registry.host}/rc/oci:v1`, { signal: ac.signal }), RegistryAbortError);
      faulty.stallBlob(bigLayerDesc.digest, 5000);
      const ac2 = new AbortController();
      const stream = await c.fetchBlob(`${faulty.host}/rc/oci:v1`, bigLayerDesc, { signal: ac2.signal });
      const reading = collect(stream);
      stream.once('data', () => ac2.abort());
      await assert.rejects(reading, (e: unknown) => e instanceof RegistryAbortError && (e as Error).name === 'AbortError');
    });
  });

  describe('mirrors from hosts.toml', () => {
    it('tries the mirror first (with ns=), then the server', async () => {
      fs.mkdirSync(path.join(certsDir, 'docker.io'), { recursive: true });
      fs.writeFileSync(path.join(certsDir, 'docker.io', 'hosts.toml'),
        `server = "http://${registry.host}"\n[host."http://${faulty.host}"]\n  capabilities = ["pull", "resolve"]\n`);
      const c = client();
      const r = await c.resolve('rc/oci:v1');
      assert.equal(r.name, 'docker.io/rc/oci:v1');
      assert.equal(r.descriptor.digest, oci.manifestDescriptor.digest);
      assert.ok(faulty.requests[0].path.endsWith('/v2/rc/oci/manifests/v1?ns=docker.io'));
      faulty.reset();
      faulty.fail(/\/manifests\//, 404);
      const again = await client().resolve('rc/oci:v1');
      assert.equal(again.descriptor.digest, oci.manifestDescriptor.digest);
      assert.ok(faulty.requests.length >= 1);
    });
  });

  describe('TLS with hosts.toml', () => {
    let server: https.Server;
    let host: string;
    let hostDir: string;
    before(async () => {
      hostDir = path.join(certsDir, 'tls');
      fs.mkdirSync(hostDir, { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', path.join(hostDir, 'key.pem'), '-out', path.join(hostDir, 'ca.pem'), '-days', '2',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      server = https.createServer({ key: fs.readFileSync(path.join(hostDir, 'key.pem')), cert: fs.readFileSync(path.join(hostDir, 'ca.pem')) },
        (req, res) => proxyRequest(registry.url, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      fs.renameSync(hostDir, path.join(certsDir, host));
      hostDir = path.join(certsDir, host);
    });
    after(() => {
      server?.closeAllConnections();
      server?.close();
    });
    const writeHosts = (extra: string): void => fs.writeFileSync(path.join(hostDir, 'hosts.toml'), `server = "https://${host}"\n${extra}`);

    it('rejects an unknown CA, naming the fix', async () => {
      writeHosts('');
      await assert.rejects(client({ retries: 0 }).resolve(`${host}/rc/oci:v1`), (e: unknown) =>
        e instanceof RegistryUnreachableError && /TLS certificate not accepted .*hosts.toml/.test(e.message));
    });

    it('trusts the CA named in hosts.toml', async () => {
      writeHosts('ca = "ca.pem"\n');
      const c = client();
      const r = await c.resolve(`${host}/rc/oci:v1`);
      assert.deepEqual(await collect(await c.fetchBlob(r.reference, bigLayerDesc)), blob(oci, bigLayerDesc));
    });

    it('honours skip_verify', async () => {
      writeHosts('skip_verify = true\n');
      const r = await client().resolve(`${host}/rc/oci:v1`);
      assert.equal(r.descriptor.digest, oci.manifestDescriptor.digest);
    });
  });

  describe('token auth', () => {
    let tokens: TokenServer;
    before(async () => {
      tokens = await startTokenServer({
        upstream: registry.url, users: { alice: 's3cret' }, refreshTokens: { 'refresh-abc': 'alice' }, publicPrefix: 'public/',
      });
    });
    after(() => tokens?.stop());

    it('pulls with credentials and reuses the token', async () => {
      const c = client({ credentials: staticCredentials({ [`http://${tokens.host}/`]: { username: 'alice', password: 's3cret' } }) });
      const ref = `${tokens.host}/rc/oci:v1`;
      const issued = tokens.stats.tokensIssued;
      const r = await c.resolve(ref);
      const m = await c.fetchManifest(ref, r.descriptor);
      assert.ok(m.kind === 'manifest');
      const data = await collect(await c.fetchBlob(ref, bigLayerDesc));
      assert.deepEqual(data, blob(oci, bigLayerDesc));
      assert.equal(tokens.stats.tokensIssued - issued, 1);
    });

    it('pulls with an identity token', async () => {
      const r = await client({ credentials: () => ({ identityToken: 'refresh-abc' }) }).resolve(`${tokens.host}/rc/oci:v1`);
      assert.equal(r.descriptor.digest, oci.manifestDescriptor.digest);
    });

    it('pulls a public repository anonymously', async () => {
      const r = await client().resolve(`${tokens.host}/public/oci:v1`);
      assert.equal(r.descriptor.digest, oci.manifestDescriptor.digest);
    });

    it('asks to log in when anonymous', async () => {
      await assert.rejects(client().resolve(`${tokens.host}/rc/oci:v1`), (e: unknown) => {
        assert.ok(e instanceof RegistryAuthError);
        assert.equal(e.reason, 'required');
        assert.match(e.message, new RegExp(`^401 Unauthorized from ${tokens.host}: log in with`));
        return true;
      });
    });

    it('says the credentials were rejected, without showing them', async () => {
      const c = client({ credentials: staticCredentials({ [tokens.host]: { username: 'alice', password: 'wrong-pw' } }) });
      await assert.rejects(c.resolve(`${tokens.host}/rc/oci:v1`), (e: unknown) => {
        assert.ok(e instanceof RegistryAuthError);
        assert.equal(e.reason, 'rejected');
        assert.match(e.message, /credentials for .* were rejected/);
        assert.ok(!e.message.includes('wrong-pw') && !e.message.includes('alice'));
        return true;
      });
    });
  });

  describe('basic auth registry', () => {
    let basic: Registry;
    before(async () => {
      basic = await startRegistry({ htpasswd: { bob: 'pw-b' } });
      await pushImage(basic.host, 'rc/oci', 'v1', docker, { auth: { username: 'bob', password: 'pw-b' } });
    });
    after(() => basic?.stop());

    it('authenticates with Basic credentials and reports their absence or rejection', async () => {
      const ref = `${basic.host}/rc/oci:v1`;
      const ok = await client({ credentials: staticCredentials({ [basic.host]: { username: 'bob', password: 'pw-b' } }) }).resolve(ref);
      assert.equal(ok.descriptor.digest, docker.manifestDescriptor.digest);
      await assert.rejects(client().resolve(ref), (e: unknown) => e instanceof RegistryAuthError && e.reason === 'required');
      const wrong = client({ credentials: staticCredentials({ [basic.host]: { username: 'bob', password: 'nope' } }) });
      await assert.rejects(wrong.resolve(ref), (e: unknown) => e instanceof RegistryAuthError && e.reason === 'rejected');
    });
  });
});
