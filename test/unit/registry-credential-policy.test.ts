// Where registry credentials may go: redirects keep them only on the first request's origin (scheme, host and
// port), and Bearer token realms over plain HTTP are refused unless on loopback, insecure, or the registry's own
// plain-HTTP endpoint. The end-to-end checks are in test/integration/registry-credentials.test.ts.
import * as assert from 'node:assert/strict';
import { InsecureTokenRealmError, RegistryHttpError, tokenRealmUrl, type RegistryHost } from '../../packages/containerd-client/src/registry';
import { sameOrigin } from '../../packages/containerd-client/src/registry/transport';

const registry = (host: string, scheme: 'http' | 'https' = 'https'): RegistryHost => ({
  scheme, host, path: '/v2', capabilities: ['pull', 'resolve'], tls: { ca: [], clientCerts: [], skipVerify: false }, headers: {}, mirror: false,
});

describe('registry credential policy (unit)', () => {
  describe('sameOrigin', () => {
    it('is false when only the scheme changes (https -> http on the same host and port)', () => {
      assert.equal(sameOrigin(new URL('http://reg.example:5000/storage'), new URL('https://reg.example:5000/v2/x')), false);
      assert.equal(sameOrigin(new URL('http://reg.example/storage'), new URL('https://reg.example/v2/x')), false);
    });

    it('is false when the host or the port changes', () => {
      assert.equal(sameOrigin(new URL('https://storage.example/b'), new URL('https://reg.example/v2/x')), false);
      assert.equal(sameOrigin(new URL('http://127.0.0.1:5001/b'), new URL('http://127.0.0.1:5000/v2/x')), false);
      assert.equal(sameOrigin(new URL('https://reg.example:8443/b'), new URL('https://reg.example/v2/x')), false);
    });

    it('is true for another path on the same origin, default ports and host case included', () => {
      assert.equal(sameOrigin(new URL('https://REG.example:443/other'), new URL('https://reg.example/v2/x')), true);
      assert.equal(sameOrigin(new URL('http://127.0.0.1:5000/a?b=c'), new URL('http://127.0.0.1:5000/v2/x')), true);
    });
  });

  describe('tokenRealmUrl', () => {
    it('allows an https realm on another host (as Docker Hub uses auth.docker.io)', () => {
      assert.equal(tokenRealmUrl('https://auth.docker.io/token', registry('registry-1.docker.io'), []).host, 'auth.docker.io');
    });

    it('refuses a plain-HTTP realm off loopback, naming the realm (not its query) and both fixes', () => {
      assert.throws(() => tokenRealmUrl('http://registry.invalid.example/token?x=secret', registry('reg.example'), ['other.example']), (e: unknown) => {
        assert.ok(e instanceof InsecureTokenRealmError);
        assert.equal(e.code, 'Config');
        assert.equal(e.realm, 'http://registry.invalid.example/token');
        assert.equal(e.realmHost, 'registry.invalid.example');
        assert.match(e.message, /http:\/\/registry\.invalid\.example\/token over plain HTTP/);
        assert.match(e.message, /https:\/\/ token realm/);
        assert.match(e.message, /add "registry\.invalid\.example" to the containerd\.insecureRegistries setting/);
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
    });

    it('refuses a plain-HTTP realm on the registry host itself when the registry is reached over https', () => {
      assert.throws(() => tokenRealmUrl('http://reg.example/token', registry('reg.example'), []), InsecureTokenRealmError);
    });

    it('allows a plain-HTTP realm on loopback', () => {
      for (const realm of ['http://127.0.0.1:5000/token', 'http://localhost/token', 'http://[::1]:8080/token']) {
        assert.equal(tokenRealmUrl(realm, registry('reg.example'), []).href, realm);
      }
    });

    it('allows a plain-HTTP realm whose host is in insecureRegistries (host, host:port or URL form)', () => {
      for (const entry of ['auth.example', 'auth.example:8080', 'http://auth.example:8080/']) {
        assert.equal(tokenRealmUrl('http://auth.example:8080/token', registry('reg.example'), [entry]).host, 'auth.example:8080');
      }
      assert.throws(() => tokenRealmUrl('http://auth.example:8080/token', registry('reg.example'), ['auth.example:9090']), InsecureTokenRealmError);
    });

    it('allows the registry\'s own endpoint when the user configured it as plain HTTP', () => {
      assert.equal(tokenRealmUrl('http://reg.example:5000/auth', registry('reg.example:5000', 'http'), []).pathname, '/auth');
      assert.throws(() => tokenRealmUrl('http://auth.example/token', registry('reg.example:5000', 'http'), []), InsecureTokenRealmError);
    });

    it('refuses realms that are not http(s) URLs', () => {
      for (const realm of ['file:///etc/passwd', 'ftp://auth.example/token', 'not a url', undefined]) {
        assert.throws(() => tokenRealmUrl(realm, registry('reg.example'), []), RegistryHttpError);
      }
    });
  });
});
