// Digests and chain IDs: vectors from the OCI image-spec's own identity tests and from `sha256sum`.
import * as assert from 'assert';
import { chainId, chainIds, isDigest, sha256Digest, shortDigest, validateDigest } from '../../packages/containerd-client/src/digest';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';

// printf '' | sha256sum ; printf 'abc' | sha256sum
const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('digest', () => {
  it('sha256Digest hashes strings, Buffers and Uint8Arrays alike', () => {
    assert.strictEqual(sha256Digest(''), EMPTY);
    assert.strictEqual(sha256Digest('abc'), ABC);
    assert.strictEqual(sha256Digest(Buffer.from('abc')), ABC);
    assert.strictEqual(sha256Digest(new Uint8Array([0x61, 0x62, 0x63])), ABC);
  });

  it('isDigest accepts only sha256 with 64 lower-case hex digits', () => {
    assert.strictEqual(isDigest(ABC), true);
    assert.strictEqual(isDigest(ABC.toUpperCase()), false);
    assert.strictEqual(isDigest(ABC.slice(0, -1)), false);
    assert.strictEqual(isDigest(`${ABC}0`), false);
    assert.strictEqual(isDigest(ABC.replace('sha256', 'sha512')), false);
    assert.strictEqual(isDigest(ABC.slice('sha256:'.length)), false);
    assert.strictEqual(isDigest(`${ABC.slice(0, -1)}g`), false);
    assert.strictEqual(isDigest(''), false);
  });

  it('validateDigest throws InvalidArgumentError naming the bad value', () => {
    validateDigest(ABC);
    assert.throws(() => validateDigest('sha256:abc'), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.strictEqual(e.code, 'InvalidArgument');
      assert.match(e.message, /"sha256:abc" is not a sha256 digest/);
      return true;
    });
  });

  it('shortDigest gives the first 12 hex digits, with or without an algorithm', () => {
    assert.strictEqual(shortDigest(ABC), 'ba7816bf8f01');
    assert.strictEqual(shortDigest('ba7816bf8f01cfea414140'), 'ba7816bf8f01');
  });
});

describe('chain IDs', () => {
  // opencontainers/image-spec identity/chainid_test.go: readable (invalid) digests, chained with digest.FromString.
  // printf 'sha256:a sha256:b' | sha256sum, then printf 'sha256:<that> sha256:c' | sha256sum
  const AB = 'sha256:970a948bffa8de94d6e22d747ba8c95030e6e546909f98f54e99a13005e173a8';
  const ABC3 = 'sha256:dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7bd8a33c9b1b';

  it('matches the image-spec vectors', () => {
    assert.deepStrictEqual(chainIds([]), []);
    assert.deepStrictEqual(chainIds(['sha256:a']), ['sha256:a']);
    assert.deepStrictEqual(chainIds(['sha256:a', 'sha256:b']), ['sha256:a', AB]);
    assert.deepStrictEqual(chainIds(['sha256:a', 'sha256:b', 'sha256:c']), ['sha256:a', AB, ABC3]);
  });

  it('matches sha256sum on real-length diff IDs', () => {
    // D_n = printf 'layer<n>' | sha256sum; C2 = printf 'D1 D2' | sha256sum; C3 = printf 'C2 D3' | sha256sum
    const d1 = 'sha256:77ea7eee3d80b1a38f83906dd3048e2689457eb90e18a7d12f839c5ae37106a2';
    const d2 = 'sha256:95cf1a2e1698fe3ca1fcc3f653119146b271d0b62e487ec264441e886a11bd06';
    const d3 = 'sha256:a0e70458d19e37e14d6388030a017c587283e2fb6ef10c0744cad0294c47e8f8';
    const c2 = 'sha256:9c7a0b8937394482a0afcc4bef0ca0aba0d74084bd9f60198ec7fac434e5436d';
    const c3 = 'sha256:1512378f2edc09c9e21c7511cc1aaf7c6d42d3b6ff301027b8527b8b23c3ce70';
    assert.strictEqual(sha256Digest('layer1'), d1);
    assert.deepStrictEqual(chainIds([d1, d2, d3]), [d1, c2, c3]);
    assert.strictEqual(chainId([d1, d2, d3]), c3);
    assert.strictEqual(chainId([d1]), d1);
  });

  it('does not modify its input and depends on order', () => {
    const input = ['sha256:a', 'sha256:b'];
    chainIds(input);
    assert.deepStrictEqual(input, ['sha256:a', 'sha256:b']);
    assert.notStrictEqual(chainId(['sha256:b', 'sha256:a']), AB);
  });

  it('chainId of no layers is an InvalidArgumentError', () => {
    assert.throws(() => chainId([]), (e: unknown) => e instanceof InvalidArgumentError && /at least one layer/.test(e.message));
  });
});
