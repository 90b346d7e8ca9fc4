import * as assert from 'node:assert/strict';
import { parseReference, withObject, InvalidReferenceError } from '../../packages/containerd-client/src/registry';

const D = 'sha256:' + 'a'.repeat(64);

describe('registry reference parsing', () => {
  const good: Array<[string, string, string, Partial<{ domain: string; path: string; tag: string; digest: string }>]> = [
    ['redis', 'docker.io/library/redis:latest', 'redis:latest', { domain: 'docker.io', path: 'library/redis', tag: 'latest' }],
    ['redis:alpine', 'docker.io/library/redis:alpine', 'redis:alpine', { tag: 'alpine' }],
    ['library/redis', 'docker.io/library/redis:latest', 'redis:latest', { path: 'library/redis' }],
    ['docker.io/redis', 'docker.io/library/redis:latest', 'redis:latest', {}],
    ['index.docker.io/library/redis:7', 'docker.io/library/redis:7', 'redis:7', { domain: 'docker.io' }],
    ['user/app:1.0', 'docker.io/user/app:1.0', 'user/app:1.0', { path: 'user/app' }],
    ['docker.io/library/a/b', 'docker.io/library/a/b:latest', 'library/a/b:latest', {}],
    [`ghcr.io/org/app@${D}`, `ghcr.io/org/app@${D}`, `ghcr.io/org/app@${D}`, { domain: 'ghcr.io', digest: D, tag: undefined }],
    ['localhost:5000/x:y', 'localhost:5000/x:y', 'localhost:5000/x:y', { domain: 'localhost:5000', path: 'x', tag: 'y' }],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest', { domain: 'localhost', path: 'x' }],
    ['127.0.0.1:5000/x', '127.0.0.1:5000/x:latest', '127.0.0.1:5000/x:latest', { domain: '127.0.0.1:5000', path: 'x' }],
    ['[::1]:5000/ns/x:t', '[::1]:5000/ns/x:t', '[::1]:5000/ns/x:t', { domain: '[::1]:5000', path: 'ns/x' }],
    [`redis:7@${D}`, `docker.io/library/redis:7@${D}`, `redis:7@${D}`, { tag: '7', digest: D }],
    ['Registry.Example.com/a/b_c__d-e.f:T_1.x-y', 'Registry.Example.com/a/b_c__d-e.f:T_1.x-y', 'Registry.Example.com/a/b_c__d-e.f:T_1.x-y', { domain: 'Registry.Example.com' }],
    ['localhost:5000', 'docker.io/library/localhost:5000', 'localhost:5000', { path: 'library/localhost', tag: '5000' }],
  ];
  for (const [input, full, familiar, fields] of good) {
    it(`parses ${input}`, () => {
      const r = parseReference(input);
      assert.equal(r.toString(), full);
      assert.equal(String(r), full);
      assert.equal(r.familiar, familiar);
      for (const [k, v] of Object.entries(fields)) assert.equal(r[k as keyof typeof fields], v, k);
    });
  }

  it('resolves the digest before the tag and names the repository', () => {
    const r = parseReference(`redis:7@${D}`);
    assert.equal(r.object, D);
    assert.equal(r.name, 'docker.io/library/redis');
    assert.equal(r.familiarName, 'redis');
    assert.equal(parseReference('redis').object, 'latest');
  });

  it('can leave the tag out', () => {
    assert.equal(parseReference('redis', { defaultTag: false }).tag, undefined);
    assert.equal(parseReference('redis', { defaultTag: false }).toString(), 'docker.io/library/redis');
  });

  it('renames with withObject', () => {
    const r = withObject(parseReference('redis:7'), { digest: D });
    assert.equal(r.toString(), `docker.io/library/redis@${D}`);
  });

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['Foo', /^invalid reference "Foo": repository names must be lowercase$/],
    ['docker.io/Library/redis', /lowercase/],
    ['a'.repeat(64), /hexadecimal/],
    ['redis:', /tag is empty/],
    ['redis:-bad', /invalid tag/],
    [`redis:${'x'.repeat(129)}`, /at most 128/],
    ['redis@sha256:abc', /invalid digest/],
    [`redis@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    [`redis@sha256:${'A'.repeat(64)}`, /lowercase hex/],
    ['https://ghcr.io/x', /scheme/],
    ['red is', /whitespace/],
    ['redis\0:1', /must not contain control characters/],
    ['redis:1\x7f', /must not contain control characters/],
    ['a//b', /repository names may contain/],
    ['a/-b', /repository names may contain/],
    ['example.com/', /repository name is empty/],
    ['exa_mple.com:5000/x', /invalid registry host/],
    [`example.com/${'a'.repeat(250)}`, /at most 255/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`, () => {
      assert.throws(() => parseReference(input), (e: unknown) => {
        assert.ok(e instanceof InvalidReferenceError);
        assert.match(e.message, message);
        assert.equal(e.reference, input);
        return true;
      });
    });
  }
});
