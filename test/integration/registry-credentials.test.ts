// Registry credentials end to end, against small servers on 127.0.0.1 (no containerd or docker-registry needed):
// redirects drop Authorization on any change of origin, at any hop (port change; https -> http on the same host and
// port after a same-origin hop that keeps it), and Bearer realms over plain HTTP off loopback are refused before any
// connection unless their host is in insecureRegistries (pulls and login). A DNS stub maps registry.invalid.example
// to 127.0.0.1, so a "remote" realm is served without leaving the machine, and counts the lookups.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import dns from 'node:dns';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import {
  InsecureTokenRealmError, RegistryClient, RegistryUnreachableError, staticCredentials, verifyLogin, type RegistryClientOptions,
} from '../../packages/containerd-client/src/registry';

interface Seen { server: string; path: string; authorization?: string }

const REMOTE = 'registry.invalid.example';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('registry credentials (integration)', function () {
  this.timeout(60_000);
  const servers: net.Server[] = [];
  const clients: RegistryClient[] = [];
  const seen: Seen[] = [];
  const originalLookup = dns.lookup;
  let remoteLookups = 0;
  let dir: string;
  let tlsOptions: https.ServerOptions;
  const blob = Buffer.from(`layer bytes ${Date.now()}`);
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  const desc = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: blob.length };
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: blob.length }, layers: [],
  }));
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  // Ports: A redirects to another port (storage); P speaks TLS and plain HTTP; T, S token servers; R Bearer registry.
  let storagePort = 0;
  let portA = 0;
  let dualPort = 0;
  let tokenPort = 0;
  let tlsTokenPort = 0;
  let tlsTokenConnections = 0;
  let bearerPort = 0;
  let realm = '';

  const record = (server: string, req: http.IncomingMessage): void => {
    seen.push({ server, path: req.url ?? '', authorization: req.headers.authorization });
  };
  const serve = async (server: net.Server): Promise<number> => {
    servers.push(server);
    return listen(server);
  };
  const client = (opts: RegistryClientOptions = {}): RegistryClient => {
    const c = new RegistryClient({ certsDir: dir, retries: 0, retryDelayMs: 10, ...opts });
    clients.push(c);
    return c;
  };
  const alice = (host: string): RegistryClientOptions['credentials'] => staticCredentials({ [host]: { username: 'alice', password: 's3cret' } });
  const basicAlice = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
  const challengeBasic = (res: http.ServerResponse): void => {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-length': 0 }).end();
  };
  const redirect = (res: http.ServerResponse, location: string): void => {
    res.writeHead(307, { location, 'content-length': 0 }).end();
  };
  const sendBlob = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length }).end(blob);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reg-creds-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'ca.pem'), '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', `subjectAltName=IP:127.0.0.1,DNS:${REMOTE}`], { stdio: 'ignore' });
    tlsOptions = { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'ca.pem')) };

    const stub = (host: string, options: unknown, callback?: unknown): void => {
      const cb = (typeof options === 'function' ? options : callback) as (...a: unknown[]) => void;
      const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
      if (host !== REMOTE) return void (originalLookup as (...a: unknown[]) => void)(host, options, callback);
      remoteLookups++;
      if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    };
    Object.defineProperty(dns, 'lookup', { value: stub, writable: true, configurable: true });

    storagePort = await serve(http.createServer((req, res) => {
      record('storage', req);
      sendBlob(res);
    }));
    portA = await serve(http.createServer((req, res) => {
      record('A', req);
      if (!req.headers.authorization) return challengeBasic(res);
      redirect(res, `http://127.0.0.1:${storagePort}/storage/${digest}`);
    }));

    // One port for both schemes: a TCP front peeks at the first byte (0x16 starts a TLS handshake).
    const dualHandler = (secure: boolean) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const url = req.url ?? '';
      record(secure ? 'dual-https' : 'dual-http', req);
      if (!secure) return url.startsWith('/storage/') ? sendBlob(res) : void res.writeHead(404).end();
      if (url.startsWith('/v2/tok/')) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${REMOTE}:${tlsTokenPort}/token",service="test"`, 'content-length': 0 }).end();
      } else if (url === `/v2/r/blobs/${digest}`) {
        if (!req.headers.authorization) challengeBasic(res);
        else redirect(res, `/internal/${digest}`);
      } else if (url === `/internal/${digest}`) redirect(res, `http://127.0.0.1:${dualPort}/storage/${digest}`);
      else res.writeHead(404).end();
    };
    const innerTls = await serve(https.createServer(tlsOptions, dualHandler(true)));
    const innerPlain = await serve(http.createServer(dualHandler(false)));
    dualPort = await serve(net.createServer((socket) => {
      socket.once('data', (first) => {
        const inner = net.connect(first[0] === 0x16 ? innerTls : innerPlain, '127.0.0.1');
        inner.write(first);
        socket.pipe(inner).pipe(socket);
        inner.on('error', () => socket.destroy());
        socket.on('error', () => inner.destroy());
      });
    }));
    fs.mkdirSync(path.join(dir, `127.0.0.1:${dualPort}`));
    fs.writeFileSync(path.join(dir, `127.0.0.1:${dualPort}`, 'hosts.toml'),
      `server = "https://127.0.0.1:${dualPort}"\nca = ${JSON.stringify(path.join(dir, 'ca.pem'))}\n`);

    const tokenHandler = (name: string) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
      record(name, req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok', expires_in: 300 }));
    };
    tokenPort = await serve(http.createServer(tokenHandler('token')));
    const tlsToken = https.createServer(tlsOptions, tokenHandler('tls-token'));
    tlsToken.on('connection', () => tlsTokenConnections++);
    tlsTokenPort = await serve(tlsToken);
    bearerPort = await serve(http.createServer((req, res) => {
      record('R', req);
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="test"`, 'content-length': 0 }).end();
        return;
      }
      const headers = { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length, 'docker-content-digest': manifestDigest };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : manifest);
    }));
  });

  beforeEach(() => {
    seen.length = 0;
    remoteLookups = 0;
  });

  after(async () => {
    Object.defineProperty(dns, 'lookup', { value: originalLookup, writable: true, configurable: true });
    for (const c of clients) c.close();
    for (const s of servers) (s as http.Server).closeAllConnections?.();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('redirects', () => {
    it('sends no Authorization to a redirect target on another port', async () => {
      const host = `127.0.0.1:${portA}`;
      assert.deepEqual(await collect(await client({ credentials: alice(host) }).fetchBlob(`${host}/r:v1`, desc)), blob);
      // The first hop really carried credentials, so their absence on the second is the transport's doing.
      assert.ok(seen.some((s) => s.server === 'A' && s.authorization === basicAlice));
      const storage = seen.filter((s) => s.server === 'storage');
      assert.equal(storage.length, 1);
      assert.equal(storage[0].authorization, undefined);
    });

    it('keeps Authorization on a same-origin hop, then drops it when a later hop goes https -> http on the same host and port', async () => {
      const host = `127.0.0.1:${dualPort}`;
      assert.deepEqual(await collect(await client({ credentials: alice(host) }).fetchBlob(`${host}/r:v1`, desc)), blob);
      const hops = seen.filter((s) => s.authorization !== undefined || s.server !== 'dual-https').map((s) => [s.server, s.path.split('/')[1], s.authorization]);
      assert.deepEqual(hops, [
        ['dual-https', 'v2', basicAlice],
        ['dual-https', 'internal', basicAlice],
        ['dual-http', 'storage', undefined],
      ]);
    });
  });

  describe('token realms', () => {
    it('refuses a plain-HTTP realm on another host before any connection, naming the realm and the fixes', async () => {
      realm = `http://${REMOTE}/token`;
      const host = `127.0.0.1:${bearerPort}`;
      for (const credentials of [alice(host), undefined]) {
        await assert.rejects(client({ credentials }).resolve(`${host}/r:v1`), (e: unknown) => {
          assert.ok(e instanceof InsecureTokenRealmError, String(e));
          assert.equal(e.realm, realm);
          assert.match(e.message, new RegExp(`from ${realm.replace(/\./g, '\\.')} over plain HTTP`));
          assert.match(e.message, /https:\/\/ token realm, or add "registry\.invalid\.example" to the containerd\.insecureRegistries setting/);
          return true;
        });
      }
      assert.equal(remoteLookups, 0);
      assert.deepEqual(seen.filter((s) => s.server !== 'R'), []);
    });

    it('fetches the token from a plain-HTTP realm whose host is in insecureRegistries, and only then', async () => {
      realm = `http://${REMOTE}:${tokenPort}/token`;
      const host = `127.0.0.1:${bearerPort}`;
      await assert.rejects(client({ credentials: alice(host) }).resolve(`${host}/r:v1`), InsecureTokenRealmError);
      assert.equal(remoteLookups, 0);
      const r = await client({ credentials: alice(host), insecureRegistries: [REMOTE] }).resolve(`${host}/r:v1`);
      assert.equal(r.descriptor.digest, manifestDigest);
      assert.ok(remoteLookups > 0);
      assert.deepEqual(seen.filter((s) => s.server === 'token').map((s) => s.authorization), [basicAlice]);
    });

    it('still fetches tokens from a plain-HTTP realm on loopback', async () => {
      realm = `http://127.0.0.1:${tokenPort}/token`;
      const host = `127.0.0.1:${bearerPort}`;
      const r = await client({ credentials: alice(host) }).resolve(`${host}/r:v1`);
      assert.equal(r.descriptor.digest, manifestDigest);
      assert.deepEqual(seen.filter((s) => s.server === 'token').map((s) => s.authorization), [basicAlice]);
    });

    it('contacts an https realm on another host, without the registry\'s hosts.toml CA', async () => {
      // The realm's certificate is the one hosts.toml trusts for the registry; another host must not inherit it.
      const host = `127.0.0.1:${dualPort}`;
      const before = tlsTokenConnections;
      await assert.rejects(client({ credentials: alice(host) }).resolve(`${host}/tok:v1`), (e: unknown) =>
        e instanceof RegistryUnreachableError && e.host === `${REMOTE}:${tlsTokenPort}` && /TLS certificate not accepted/.test(e.message));
      assert.ok(remoteLookups > 0);
      assert.ok(tlsTokenConnections > before);
      assert.deepEqual(seen.filter((s) => s.server === 'tls-token'), []);
    });
  });

  describe('login', () => {
    it('verifyLogin refuses a plain-HTTP realm off loopback, and uses it once the host is in insecureRegistries', async () => {
      realm = `http://${REMOTE}:${tokenPort}/token`;
      const host = `127.0.0.1:${bearerPort}`;
      const creds = { username: 'alice', password: 's3cret' };
      await assert.rejects(verifyLogin(host, creds, { certsDir: dir }), InsecureTokenRealmError);
      assert.equal(remoteLookups, 0);
      assert.equal(await verifyLogin(host, creds, { certsDir: dir, insecureRegistries: [REMOTE] }), 'ok');
      assert.deepEqual(seen.filter((s) => s.server === 'token').map((s) => s.authorization), [basicAlice]);
    });
  });
});
