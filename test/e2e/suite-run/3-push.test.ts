// Push Image… inside a real extension host: from the image's context menu argument, to a new reference on the
// suite's registry (127.0.0.1, started by setup.ts): the image is tagged first, pushed, and the registry has it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContainerdClient } from '../../../packages/containerd-client/src';
import type { ExplorerApi } from '../../../src/extension';
import { explorer } from '../suite-views/env';
import { ScriptedHost } from '../suite-views/scripted-host';
import { IMAGE } from './fixture';

describe('Push Image… in VS Code', () => {
  let api: ExplorerApi;
  let client: ContainerdClient;
  let host: ScriptedHost;
  const registry = process.env.E2E_REGISTRY ?? '';

  before(async () => {
    assert.match(registry, /^127\.0\.0\.1:\d+$/, 'setup.ts passes the registry as E2E_REGISTRY');
    api = await explorer();
    const c = api.connection.client;
    assert.ok(c);
    client = c.withNamespace('default');
    host = new ScriptedHost(api.host());
    api.setHost(host);
  });
  after(() => api.setHost(undefined));

  it('tags the image with the typed reference, pushes it, and the registry serves its manifest', async () => {
    const target = `${registry}/e2e/pushed:1`;
    host.inputs.push('not a reference!', target);
    await vscode.commands.executeCommand('containerd.pushImage', { type: 'image', namespace: 'default', name: IMAGE });
    host.done();
    assert.ok(host.rejected.length === 1, `the bad reference was refused where it was typed: ${host.rejected.join('; ')}`);
    const local = await client.images.get(IMAGE);
    assert.strictEqual((await client.images.get(target)).target.digest, local.target.digest, 'tagged first');
    const res = await fetch(`http://${registry}/v2/e2e/pushed/manifests/1`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('docker-content-digest'), local.target.digest);
    assert.match(host.said.map((s) => s.message).join('\n'), /Pushed .*e2e\/pushed:1 \(\d+ blobs?, /);
  });
});
