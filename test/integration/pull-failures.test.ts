// pull() failures: each must say clearly what went wrong and leave no lease, no image record and no snapshot.
// Registry-side faults come from the harness's faulty proxy and token server (127.0.0.1 only).
import * as assert from 'node:assert/strict';
import { pull } from '../../packages/containerd-client/src/pull';
import {
  DigestMismatchError, InvalidReferenceError, RegistryAuthError, RegistryNotFoundError, RegistryUnreachableError, staticCredentials, verifyLogin,
} from '../../packages/containerd-client/src/registry';
import { buildImage, freePort, pushImage, sharedRegistry, startRegistry, type Registry } from '../harness';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';
import { startTokenServer, type TokenServer } from '../harness/token-server';
import { clientEnv, teardown, type ClientEnv } from '../harness/client-setup';
import { assertNothingLeft, storeState, type StoreState } from '../harness/pull-setup';

describe('pull failures (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;
  let faulty: FaultyRegistry;
  let tokens: TokenServer;
  let before0: StoreState;
  const image = buildImage({ layers: [{ files: { '/f.txt': 'failures\n' } }], incompressibleLayers: { count: 1, bytesEach: 600_000 } });
  const big = image.layers[2].descriptor;
  const noRetry = { registryOptions: { retries: 0, retryDelayMs: 10 } };

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('pullfail');
    faulty = await startFaultyRegistry(registry.url);
    tokens = await startTokenServer({ upstream: registry.url, users: { alice: 's3cret' } });
    await pushImage(registry.host, 'fail/img', 'v1', image);
    before0 = await storeState(env.client);
  });
  afterEach(async () => {
    faulty.reset();
    // Each failure is checked against the same empty store.
    await assertNothingLeft(env.client, before0);
  });
  after(async () => {
    await faulty?.stop();
    await tokens?.stop();
    await teardown(env);
  });

  it('rejects a malformed reference before doing anything', async () => {
    await assert.rejects(pull(env.client, 'Registry.Example/UPPER case:tag'), (e: unknown) => {
      assert.ok(e instanceof InvalidReferenceError);
      assert.match(e.message, /^invalid reference "Registry.Example\/UPPER case:tag": references must not contain whitespace$/);
      return true;
    });
    await assert.rejects(pull(env.client, 'redis:'), /invalid reference "redis:": tag is empty/);
  });

  it('names an unreachable registry (a loopback port nobody listens on)', async () => {
    const port = await freePort();
    await assert.rejects(pull(env.client, `127.0.0.1:${port}/nothing/here:v1`), (e: unknown) =>
      e instanceof RegistryUnreachableError && e.message === `cannot reach registry 127.0.0.1:${port}: connection refused`);
  });

  it('says which tag and which repository were not found', async () => {
    await assert.rejects(pull(env.client, `${registry.host}/fail/img:nope`), (e: unknown) =>
      e instanceof RegistryNotFoundError && e.what === 'manifest' && e.message.startsWith(`manifest not found: ${registry.host}/fail/img:nope`));
    await assert.rejects(pull(env.client, `${registry.host}/fail/absent:v1`), (e: unknown) =>
      e instanceof RegistryNotFoundError && e.what === 'repository');
  });

  it('refuses a layer whose bytes do not match its digest, and keeps no ingest of it', async () => {
    faulty.corrupt(big.digest);
    await assert.rejects(pull(env.client, `${faulty.host}/fail/img:v1`, noRetry), (e: unknown) => {
      assert.ok(e instanceof DigestMismatchError, String(e));
      assert.match(e.message, new RegExp(`digest mismatch for blob ${faulty.host}/fail/img@${big.digest}: expected ${big.digest}, got sha256:`));
      return true;
    });
    // Other layers may stay as partial ingests (reusable); the corrupt one must not.
    assert.ok(!(await storeState(env.client)).ingests.some((i) => i.ref === `layer-${big.digest}`));
  });

  it('refuses a manifest whose bytes do not match its digest', async () => {
    faulty.corrupt(image.manifestDescriptor.digest);
    await assert.rejects(pull(env.client, `${faulty.host}/fail/img:v1`, noRetry), DigestMismatchError);
  });

  it('reports 403 as access denied', async () => {
    faulty.fail(/\/blobs\//, 403);
    await assert.rejects(pull(env.client, `${faulty.host}/fail/img:v1`, noRetry), (e: unknown) =>
      e instanceof RegistryAuthError && e.reason === 'denied' && e.message.startsWith(`403 Forbidden from ${faulty.host}: access to fail/img was denied`));
  });

  describe('token auth', () => {
    it('asks to log in when pulling anonymously (401)', async () => {
      await assert.rejects(pull(env.client, `${tokens.host}/fail/img:v1`), (e: unknown) => {
        assert.ok(e instanceof RegistryAuthError);
        assert.equal(e.reason, 'required');
        assert.equal(e.status, 401);
        assert.match(e.message, new RegExp(`^401 Unauthorized from ${tokens.host}: log in with`));
        return true;
      });
    });

    it('says the credentials were rejected, without showing them', async () => {
      const credentials = staticCredentials({ [tokens.host]: { username: 'alice', password: 'wrong-password' } });
      await assert.rejects(pull(env.client, `${tokens.host}/fail/img:v1`, { credentials }), (e: unknown) =>
        e instanceof RegistryAuthError && e.reason === 'rejected' && !e.message.includes('wrong-password') && !e.message.includes('alice'));
    });

    it('pulls with credentials', async () => {
      const credentials = staticCredentials({ [tokens.host]: { username: 'alice', password: 's3cret' } });
      const issued = tokens.stats.tokensIssued;
      const img = await pull(env.client, `${tokens.host}/fail/img:v1`, { credentials });
      assert.equal(img.target.digest, image.manifestDescriptor.digest);
      assert.ok(tokens.stats.tokensIssued > issued);
      await env.client.images.delete(img.name, { sync: true });
    });
  });

  describe('checking a login before storing it', () => {
    it('asks the token server for a token with the credentials', async () => {
      assert.equal(await verifyLogin(tokens.host, { username: 'alice', password: 's3cret' }), 'ok');
      await assert.rejects(verifyLogin(tokens.host, { username: 'alice', password: 'nope' }), (e: unknown) =>
        e instanceof RegistryAuthError && e.reason === 'rejected' && !e.message.includes('nope'));
    });

    it('retries /v2/ with Basic credentials on a Basic registry', async () => {
      const basic = await startRegistry({ htpasswd: { bob: 'pw-b' } });
      try {
        assert.equal(await verifyLogin(basic.host, { username: 'bob', password: 'pw-b' }), 'ok');
        await assert.rejects(verifyLogin(basic.host, { username: 'bob', password: 'wrong' }), (e: unknown) => e instanceof RegistryAuthError && e.reason === 'rejected');
      } finally {
        await basic.stop();
      }
    });

    it('says when the registry asks for no login', async () => {
      assert.equal(await verifyLogin(registry.host, { username: 'u', password: 'p' }), 'not-required');
    });
  });
});
