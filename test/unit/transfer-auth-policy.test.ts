// Which credential requests from the daemon (Transfer auth stream) get the caller's credentials: the image's own
// registry only, and never for a plain-HTTP token realm the client-side pull would refuse.
import * as assert from 'node:assert/strict';
import { InsecureTokenRealmError } from '../../packages/containerd-client/src/registry';
import { decideAuth } from '../../packages/containerd-client/src/transfer/auth-policy';

const bearer = (realm: string): string => `Bearer realm="${realm}",service="registry",scope="repository:app:pull"`;

describe('Transfer auth requests: who gets credentials', () => {
  it('answers the image\'s own registry (Docker Hub aliases folded), and no other host', () => {
    assert.deepEqual(decideAuth({ host: 'reg.example', wwwauthenticate: [] }, 'reg.example'), { answer: true });
    assert.deepEqual(decideAuth({ host: 'registry-1.docker.io', wwwauthenticate: [] }, 'docker.io'), { answer: true });
    assert.deepEqual(decideAuth({ host: 'evil.example', wwwauthenticate: [] }, 'reg.example'), { answer: false });
    assert.deepEqual(decideAuth({ host: 'reg.example:5001', wwwauthenticate: [] }, 'reg.example:5000'), { answer: false });
  });

  it('answers for https realms, loopback realms, and the plain-HTTP registry\'s own host', () => {
    assert.deepEqual(decideAuth({ host: 'reg.example', wwwauthenticate: [bearer('https://auth.example/token')] }, 'reg.example'), { answer: true });
    assert.deepEqual(decideAuth({ host: '127.0.0.1:5000', wwwauthenticate: [bearer('http://127.0.0.1:5001/token')] }, '127.0.0.1:5000'), { answer: true });
    assert.deepEqual(decideAuth({ host: 'lan.example:5000', wwwauthenticate: [bearer('http://lan.example:5000/token')] }, 'lan.example:5000', ['lan.example:5000']), { answer: true });
    assert.deepEqual(decideAuth({ host: 'reg.example', wwwauthenticate: [bearer('http://auth.lan/token')] }, 'reg.example', ['auth.lan']), { answer: true });
  });

  it('holds credentials back from a plain-HTTP realm off loopback, with the error the client-side pull gives', () => {
    const d = decideAuth({ host: 'reg.example', wwwauthenticate: [bearer('http://auth.example/token?x=secret')] }, 'reg.example');
    assert.equal(d.answer, false);
    assert.ok(!d.answer && d.refusal instanceof InsecureTokenRealmError);
    assert.ok(!d.answer && d.refusal && d.refusal.realm === 'http://auth.example/token', 'the realm is shown without its query');
    const odd = decideAuth({ host: 'reg.example', wwwauthenticate: [bearer('ftp://auth.example/token')] }, 'reg.example');
    assert.ok(!odd.answer && odd.refusal instanceof InsecureTokenRealmError);
  });
});
