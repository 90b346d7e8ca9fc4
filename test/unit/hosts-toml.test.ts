import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  parseToml, TomlError, parseHostsToml, resolveHosts, isLoopbackHost, RegistryConfigError, hostDirCandidates,
  parseAuthenticate, readDockerConfig, dockerConfigCredentials, chainCredentials, staticCredentials,
} from '../../packages/containerd-client/src/registry';

// Per-host registry configuration: containerd's hosts.toml, Docker's config.json credentials, auth challenges.
describe('TOML subset', () => {
  it('reads tables, quoted keys, arrays, inline tables and comments', () => {
    const doc = parseToml([
      '# comment',
      'server = "https://registry-1.docker.io" # trailing',
      "lit = 'C:\\path'",
      'n = 1_000',
      '[host."https://mirror.example:5000"]',
      '  capabilities = ["pull",',
      '     "resolve", ] # multi-line, trailing comma',
      '  skip_verify = true',
      '  client = [["a.cert", "a.key"]]',
      '[host."https://mirror.example:5000".header]',
      '  x-custom = ["1", "2"]',
      '[plain]',
      'inline = { a = "b", "c d" = false }',
      'esc = "tab\\there \\u00e9"',
    ].join('\n'));
    assert.equal(doc['server'], 'https://registry-1.docker.io');
    assert.equal(doc['lit'], 'C:\\path');
    assert.equal(doc['n'], 1000);
    assert.deepEqual(Object.keys(doc['host'] as object), ['https://mirror.example:5000']);
    const h = (doc['host'] as Record<string, Record<string, unknown>>)['https://mirror.example:5000'];
    assert.deepEqual(h['capabilities'], ['pull', 'resolve']);
    assert.equal(h['skip_verify'], true);
    assert.deepEqual(h['client'], [['a.cert', 'a.key']]);
    assert.deepEqual({ ...(h['header'] as object) }, { 'x-custom': ['1', '2'] });
    assert.deepEqual({ ...((doc['plain'] as Record<string, object>)['inline']) }, { a: 'b', 'c d': false });
    assert.equal((doc['plain'] as Record<string, string>)['esc'], 'tab\there é');
  });

  for (const [text, message] of [
    ['a = ', /expected a value/],
    ['a = "x', /unterminated string/],
    ['a = 1\na = 2', /line 2: duplicate key/],
    ['a = bare', /strings must be quoted/],
    ['[[arr]]', /arrays of tables/],
    ['a = """x"""', /multi-line strings/],
    ['a = 1 b = 2', /end of line/],
    ['__proto__ = 1', /not allowed/],
  ] as const) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseToml(text), (e: unknown) => e instanceof TomlError && message.test(e.message));
    });
  }
});

describe('hosts.toml', () => {
  it('orders mirrors as written, then the server, with containerd path rules', () => {
    const hosts = parseHostsToml([
      'server = "https://registry.example.com"',
      '[host."https://zeta.example"]',
      '  capabilities = ["pull", "resolve"]',
      '  ca = "ca.pem"',
      '[host."http://alpha.example:8080/custom"]',
      '  capabilities = ["pull"]',
      '  skip_verify = true',
      '  client = ["both.pem", ["/abs/c.cert", "c.key"]]',
      '[host."https://override.example/some/api"]',
      '  override_path = true',
      '  [host."https://override.example/some/api".header]',
      '    authorization-extra = "x"',
    ].join('\n'), '/etc/containerd/certs.d/example.com');
    assert.deepEqual(hosts.map((h) => `${h.scheme}://${h.host}${h.path}`), [
      'https://zeta.example/v2',
      'http://alpha.example:8080/custom/v2',
      'https://override.example/some/api',
      'https://registry.example.com/v2',
    ]);
    assert.deepEqual(hosts[0].capabilities, ['pull', 'resolve']);
    assert.deepEqual(hosts[0].caFiles, ['/etc/containerd/certs.d/example.com/ca.pem']);
    assert.deepEqual(hosts[1].capabilities, ['pull']);
    assert.equal(hosts[1].skipVerify, true);
    assert.deepEqual(hosts[1].clientPairs, [
      ['/etc/containerd/certs.d/example.com/both.pem', ''],
      ['/abs/c.cert', '/etc/containerd/certs.d/example.com/c.key'],
    ]);
    assert.deepEqual(hosts[2].headers, { 'authorization-extra': ['x'] });
    assert.deepEqual(hosts[3].capabilities, ['pull', 'resolve', 'push']);
  });

  it('leaves the default endpoint to be filled when there is no server', () => {
    const hosts = parseHostsToml('[host."https://m.example"]\n', '/x');
    assert.equal(hosts.length, 2);
    assert.equal(hosts[1].host, '');
  });

  it('reports bad values with the file name', () => {
    assert.throws(() => parseHostsToml('[host."https://m"]\ncapabilities = ["fly"]', '/x', '/x/hosts.toml'),
      (e: unknown) => e instanceof RegistryConfigError && /\/x\/hosts.toml: unknown capability "fly"/.test(e.message));
    assert.throws(() => parseHostsToml('skip_verify = "yes"', '/x'), /skip_verify/);
    assert.throws(() => parseHostsToml('server = [', '/x'), RegistryConfigError);
  });
});

describe('host resolution', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certsd-'));
    const mk = (sub: string, files: Record<string, string>): void => {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      for (const [n, c] of Object.entries(files)) fs.writeFileSync(path.join(dir, sub, n), c);
    };
    mk('docker.io', {
      'hosts.toml': 'server = "https://registry-1.docker.io"\n[host."https://mirror.local:5000"]\ncapabilities = ["pull", "resolve"]\nca = "mirror-ca.pem"\n',
      'mirror-ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    mk('ported.example_5000_', { 'hosts.toml': '[host."http://ported-mirror:1"]\n' });
    mk('docker-style.example', { 'ca.crt': 'CA', 'client.cert': 'CERT', 'client.key': 'KEY' });
    mk('broken.example', { 'hosts.toml': '[host."https://x"]\nca = "missing.pem"\n' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses registry-1.docker.io for docker.io by default', async () => {
    const hosts = await resolveHosts('docker.io', { certsDir: path.join(dir, 'none') });
    assert.equal(hosts.length, 1);
    assert.deepEqual([hosts[0].scheme, hosts[0].host, hosts[0].path, hosts[0].mirror], ['https', 'registry-1.docker.io', '/v2', false]);
  });

  it('reads mirrors and CA files from hosts.toml', async () => {
    const hosts = await resolveHosts('docker.io', { certsDir: dir });
    assert.deepEqual(hosts.map((h) => [h.host, h.mirror]), [['mirror.local:5000', true], ['registry-1.docker.io', false]]);
    assert.match(hosts[0].tls.ca[0].toString(), /BEGIN CERTIFICATE/);
    assert.equal(hosts[1].tls.ca.length, 0);
  });

  it('finds host_port_ directories and fills the default endpoint', async () => {
    const hosts = await resolveHosts('ported.example:5000', { certsDir: dir });
    assert.deepEqual(hosts.map((h) => `${h.scheme}://${h.host}`), ['http://ported-mirror:1', 'https://ported.example:5000']);
    assert.deepEqual(hostDirCandidates('/c', 'h:1'), ['/c/h_1_', '/c/h:1', '/c/_default']);
  });

  it('reads the Docker certs.d layout', async () => {
    const [h] = await resolveHosts('docker-style.example', { certsDir: dir });
    assert.equal(h.tls.ca[0].toString(), 'CA');
    assert.deepEqual(h.tls.clientCerts.map((c) => [c.cert.toString(), c.key.toString()]), [['CERT', 'KEY']]);
  });

  it('names a missing CA file', async () => {
    await assert.rejects(resolveHosts('broken.example', { certsDir: dir }),
      (e: unknown) => e instanceof RegistryConfigError && e.message.includes(path.join(dir, 'broken.example', 'missing.pem')));
  });

  it('uses plain HTTP only for loopback and insecure registries', async () => {
    const scheme = async (d: string, insecure?: string[]): Promise<string> =>
      (await resolveHosts(d, { certsDir: path.join(dir, 'none'), insecureRegistries: insecure }))[0].scheme;
    assert.equal(await scheme('localhost:5000'), 'http');
    assert.equal(await scheme('127.0.0.5:80'), 'http');
    assert.equal(await scheme('[::1]:5000'), 'http');
    assert.equal(await scheme('registry.lan:5000'), 'https');
    assert.equal(await scheme('registry.lan:5000', ['registry.lan:5000']), 'http');
    assert.equal(await scheme('registry.lan:5000', ['http://registry.lan']), 'http');
    assert.equal(await scheme('other.lan', ['registry.lan']), 'https');
  });

  it('recognises loopback hosts', () => {
    for (const h of ['localhost', 'localhost:1', '127.0.0.1', '127.1.2.3:5000', '[::1]:5000', '::1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['10.0.0.1', 'example.com', '128.0.0.1:5000', 'localhostx']) assert.ok(!isLoopbackHost(h), h);
  });
});

describe('registry credentials and challenges', () => {
  it('parses WWW-Authenticate challenges', () => {
    assert.deepEqual(parseAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull,push"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/redis:pull,push' } },
    ]);
    assert.deepEqual(parseAuthenticate('Basic realm="Registry Realm", Bearer realm="http://x/t",error="insufficient_scope"'), [
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'http://x/t', error: 'insufficient_scope' } },
    ]);
    assert.deepEqual(parseAuthenticate('Bearer realm=http://x/t, service = "a \\"q\\""'), [
      { scheme: 'bearer', params: { realm: 'http://x/t', service: 'a "q"' } },
    ]);
  });

  it("reads Docker's config.json auths and notes unsupported helpers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    try {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub:pw').toString('base64') },
          '127.0.0.1:5000': { auth: Buffer.from('local:pw').toString('base64') },
          'https://ghcr.io': { identitytoken: 'refresh-xyz' },
          'broken.example': { auth: '' },
        },
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud' },
      }));
      const debug: string[] = [];
      const map = await readDockerConfig({ path: file, logger: { debug: (m) => debug.push(m) } });
      assert.deepEqual(map.get('docker.io'), { username: 'hubuser', password: 'hub:pw' });
      assert.deepEqual(map.get('127.0.0.1:5000'), { username: 'local', password: 'pw' });
      assert.deepEqual(map.get('ghcr.io'), { identityToken: 'refresh-xyz' });
      assert.ok(debug.some((m) => /credsStore "desktop" is not supported/.test(m)));
      assert.ok(debug.some((m) => /credHelpers entry for gcr.io is not supported/.test(m)));
      assert.ok(debug.every((m) => !m.includes('pw') && !m.includes('refresh-xyz')));
      const provider = chainCredentials(staticCredentials({ 'other.example': { username: 'o', password: 'p' } }), dockerConfigCredentials({ path: file }));
      assert.deepEqual(await provider('registry-1.docker.io'), { username: 'hubuser', password: 'hub:pw' });
      assert.deepEqual(await provider('other.example'), { username: 'o', password: 'p' });
      assert.equal(await provider('nowhere.example'), undefined);
      assert.equal((await readDockerConfig({ path: path.join(dir, 'missing.json') })).size, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
