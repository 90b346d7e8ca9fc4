// The distribution-source label and GC child labels as containerd computes them (remotes/docker handler.go,
// images.ChildGCLabels): pure functions, checked against the values containerd's Go code gives.
import * as assert from 'node:assert/strict';
import { appendRepository, distributionSourceKey, hostWithoutPort } from '../../packages/containerd-client/src/images/distribution-source';
import { childGcLabels } from '../../packages/containerd-client/src/images/gc-labels';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';

describe('distribution source label', () => {
  it('keys on the host without its port, as Go\'s url.Hostname()', () => {
    assert.equal(hostWithoutPort('127.0.0.1:5000'), '127.0.0.1');
    assert.equal(hostWithoutPort('registry.example:443'), 'registry.example');
    assert.equal(hostWithoutPort('docker.io'), 'docker.io');
    assert.equal(hostWithoutPort('[::1]:5000'), '::1');
    assert.equal(distributionSourceKey('localhost:5000'), 'containerd.io/distribution.source.localhost');
  });

  it('lists every repository once, sorted bytewise, without empty entries', () => {
    assert.equal(appendRepository('', 'library/busybox'), 'library/busybox');
    assert.equal(appendRepository('team/b', 'team/a'), 'team/a,team/b');
    assert.equal(appendRepository('team/a,team/b', 'team/a'), 'team/a,team/b');
    assert.equal(appendRepository('z,,a,a', 'm'), 'a,m,z');
    // Bytewise (Go) order: uppercase before lowercase, '-' before '/'.
    assert.equal(appendRepository('a/b,a-b', 'B'), 'B,a-b,a/b');
  });
});

describe('childGcLabels', () => {
  const d = (mediaType: string, n: number): { mediaType: string; digest: string; size: number } => ({ mediaType, digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: n });

  it('numbers each kind of child on its own, as images.SetChildrenLabels', () => {
    const labels = childGcLabels(MediaType.ociIndex, {
      schemaVersion: 2, mediaType: MediaType.ociIndex,
      manifests: [d(MediaType.ociManifest, 1), d(MediaType.ociIndex, 2), d(MediaType.dockerManifest, 3)],
    });
    assert.deepEqual(labels, {
      'containerd.io/gc.ref.content.m.0': d(MediaType.ociManifest, 1).digest,
      'containerd.io/gc.ref.content.0': d(MediaType.ociIndex, 2).digest,
      'containerd.io/gc.ref.content.m.1': d(MediaType.dockerManifest, 3).digest,
    });
  });

  it('names a manifest\'s config without a number and its layers l.<i>', () => {
    const labels = childGcLabels(MediaType.ociManifest, {
      schemaVersion: 2, mediaType: MediaType.ociManifest, config: d(MediaType.ociConfig, 4), layers: [d(MediaType.ociLayerGzip, 5), d(MediaType.ociLayerGzip, 6)],
    });
    assert.deepEqual(labels, {
      'containerd.io/gc.ref.content.config': d(MediaType.ociConfig, 4).digest,
      'containerd.io/gc.ref.content.l.0': d(MediaType.ociLayerGzip, 5).digest,
      'containerd.io/gc.ref.content.l.1': d(MediaType.ociLayerGzip, 6).digest,
    });
  });
});
