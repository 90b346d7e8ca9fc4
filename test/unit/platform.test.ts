import * as assert from 'node:assert/strict';
import type { Descriptor, Index, Platform } from '../../packages/containerd-client/src/oci/image-types';
import {
  hostPlatform, normalizePlatform, parsePlatform, formatPlatform, platformMatcher, strictPlatformMatcher,
  selectManifest, selectManifests, NoMatchingPlatformError, isAttestation,
} from '../../packages/containerd-client/src/registry';

const M = 'application/vnd.oci.image.manifest.v1+json';
let n = 0;
function entry(platform?: Platform, annotations?: Record<string, string>): Descriptor {
  n++;
  return { mediaType: M, digest: `sha256:${n.toString(16).padStart(64, '0')}`, size: 100, ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
}
const p = (s: string): Platform => {
  const [os, architecture, variant] = s.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
};

describe('platforms', () => {
  it('describes the host like containerd DefaultSpec', () => {
    const h = hostPlatform();
    assert.equal(h.os, process.platform === 'win32' ? 'windows' : process.platform);
    const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386' };
    if (arch[process.arch]) assert.equal(h.architecture, arch[process.arch]);
    if (h.architecture === 'arm64') assert.equal(h.variant, 'v8');
    if (h.architecture === 'amd64') assert.equal(h.variant, undefined);
  });

  it('normalises aliases and default variants', () => {
    const cases: Array<[Platform, string]> = [
      [p('linux/x86_64'), 'linux/amd64'],
      [p('linux/amd64/v1'), 'linux/amd64'],
      [p('linux/amd64/v3'), 'linux/amd64/v3'],
      [p('Linux/aarch64'), 'linux/arm64'],
      [p('linux/arm64/v8'), 'linux/arm64'],
      [p('linux/arm64/8'), 'linux/arm64'],
      [p('linux/armhf'), 'linux/arm/v7'],
      [p('linux/armel'), 'linux/arm/v6'],
      [p('linux/arm'), 'linux/arm/v7'],
      [p('linux/arm/6'), 'linux/arm/v6'],
      [p('linux/i386'), 'linux/386'],
      [p('macos/arm64'), 'darwin/arm64'],
    ];
    for (const [input, want] of cases) assert.equal(formatPlatform(normalizePlatform(input)), want, JSON.stringify(input));
  });

  it('parses platform strings', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.equal(parsePlatform('arm64').architecture, 'arm64');
    assert.equal(parsePlatform('linux').architecture, normalizePlatform(hostPlatform()).architecture);
    assert.throws(() => parsePlatform('linux//x'), /invalid platform/);
  });

  it('matches like platforms.Only', () => {
    const amd = platformMatcher(p('linux/amd64'));
    assert.ok(amd.match(p('linux/amd64')));
    assert.ok(amd.match(p('linux/x86_64')));
    assert.ok(amd.match(p('linux/386')));
    assert.ok(!amd.match(p('linux/arm64')));
    assert.ok(!amd.match(p('windows/amd64')));
    assert.ok(amd.less(p('linux/amd64'), p('linux/386')));
    assert.ok(!amd.less(p('linux/386'), p('linux/amd64')));

    const arm64 = platformMatcher(p('linux/arm64/v8'));
    assert.ok(arm64.match(p('linux/arm64')));
    assert.ok(arm64.match(p('linux/aarch64/v8')));
    for (const v of ['v8', 'v7', 'v6', 'v5']) assert.ok(arm64.match(p(`linux/arm/${v}`)), v);
    assert.ok(arm64.less(p('linux/arm/v7'), p('linux/arm/v6')));

    const armv7 = platformMatcher(p('linux/arm/v7'));
    assert.ok(armv7.match(p('linux/arm/v6')));
    assert.ok(armv7.match(p('linux/arm')));
    assert.ok(!armv7.match(p('linux/arm/v8')));
    assert.ok(!armv7.match(p('linux/arm64')));

    const v3 = platformMatcher(p('linux/amd64/v3'));
    assert.ok(v3.match(p('linux/amd64/v2')) && v3.match(p('linux/amd64')) && !v3.match(p('linux/amd64/v4')));

    assert.ok(!strictPlatformMatcher(p('linux/amd64')).match(p('linux/386')));
  });
});

describe('manifest selection', () => {
  const amd = entry(p('linux/amd64'));
  const arm64 = entry(p('linux/arm64/v8'));
  const armv7 = entry(p('linux/arm/v7'));
  const i386 = entry(p('linux/386'));
  const att = entry(p('unknown/unknown'), { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.digest });
  const attOddPlatform = entry(p('linux/amd64'), { 'vnd.docker.reference.type': 'attestation-manifest' });
  const index: Index = { schemaVersion: 2, manifests: [att, i386, attOddPlatform, armv7, amd, arm64] };

  it('picks the best match and skips attestations', () => {
    assert.equal(selectManifest(index, p('linux/amd64')).digest, amd.digest);
    assert.equal(selectManifest(index, p('linux/aarch64')).digest, arm64.digest);
    assert.equal(selectManifest(index, p('linux/arm/v7')).digest, armv7.digest);
    assert.equal(selectManifest(index, p('linux/arm/v8')).digest, armv7.digest);
    assert.deepEqual(selectManifests(index, p('linux/amd64')).map((d) => d.digest), [amd.digest, i386.digest]);
    assert.ok(isAttestation(att) && isAttestation(attOddPlatform) && !isAttestation(amd));
  });

  it("selects 'all' runnable entries in index order", () => {
    assert.deepEqual(selectManifests(index, 'all').map((d) => d.digest), [i386, armv7, amd, arm64].map((d) => d.digest));
  });

  it('keeps entries without a platform, last', () => {
    const bare = entry();
    const idx: Index = { schemaVersion: 2, manifests: [bare, amd] };
    assert.deepEqual(selectManifests(idx, p('linux/amd64')).map((d) => d.digest), [amd.digest, bare.digest]);
  });

  it('lists the available platforms when none matches', () => {
    assert.throws(() => selectManifest(index, p('linux/riscv64'), 'docker.io/library/x:1'), (e: unknown) => {
      assert.ok(e instanceof NoMatchingPlatformError);
      assert.equal(e.message, 'no manifest for platform linux/riscv64 in docker.io/library/x:1; available: linux/386, linux/arm/v7, linux/amd64, linux/arm64/v8');
      return true;
    });
  });
});
