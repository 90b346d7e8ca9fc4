// Push pieces that need no daemon: which repositories a blob may be mounted from (containerd's label, keyed on the
// host without its port), and what the push notification says.
import * as assert from 'node:assert/strict';
import { describePushProgress, summarisePush } from '../../src/commands/images/push-progress';
import { mountSources } from '../../packages/containerd-client/src/push';
import { isRepositoryName } from '../../packages/containerd-client/src/registry';
import type { PushProgress } from '../../packages/containerd-client/src';

describe('push: mount sources and progress text', () => {
  it('reads distribution.source on the host without port (as containerd writes it) and with it, each repository once', () => {
    const labels = { 'containerd.io/distribution.source.127.0.0.1': 'a/app,b/app', 'containerd.io/distribution.source.127.0.0.1:5000': 'b/app', 'containerd.io/distribution.source.ghcr.io': 'x/y' };
    assert.deepEqual(mountSources(labels, '127.0.0.1:5000'), ['b/app', 'a/app']);
    assert.deepEqual(mountSources(labels, 'docker.io'), []);
  });

  it('refuses a repository name a hostile label could use to steer a mount', () => {
    assert.ok(isRepositoryName('library/redis'));
    for (const bad of ['../x', 'a/b?c=d', 'A/b', 'a//b', '', 'a&mount=x']) assert.ok(!isRepositoryName(bad), bad);
  });

  it('says blobs, bytes and the blobs being uploaded, then a one-line summary', () => {
    const p: PushProgress = {
      reference: '127.0.0.1:5000/app:v1', phase: 'uploading', totalBytes: 3_000_000, doneBytes: 1_500_000, uploadedBytes: 500_000, manifests: 1, manifestsDone: 0,
      blobs: [
        { digest: `sha256:${'a'.repeat(64)}`, mediaType: 'l', size: 1_000_000, offset: 1_000_000, state: 'mounted' },
        { digest: `sha256:${'b'.repeat(64)}`, mediaType: 'l', size: 2_000_000, offset: 500_000, state: 'uploading' },
      ],
    };
    const t = describePushProgress(p);
    assert.match(t.message, /^1\/2 blobs · .* of .* · ↑ bbbbbbbbbbbb/);
    assert.ok(t.fraction > 0.4 && t.fraction < 0.5);
    assert.equal(describePushProgress({ ...p, phase: 'done' }).fraction, 1);
    assert.match(summarisePush(p), /^2 blobs, .* uploaded \(1 mounted\)$/);
  });
});
