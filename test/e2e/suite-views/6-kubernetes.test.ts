// The Containers view in k8s.io: containers carrying the kubelet's labels group under their pod, show the
// Kubernetes container name instead of the hex id, and the pause sandbox comes first, marked. Records are made
// through the client with the labels containerd's CRI plugin writes (no kubelet here).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { connect, type ContainerdClient } from '@containerd-explorer/client';
import type { ExplorerApi } from '../../../src/extension';
import { daemonAddress, explorer, rows } from './env';

const NS = 'k8s.io';
const SANDBOX = 'a'.repeat(64);
const APP = 'b'.repeat(64);
const pod = { 'io.kubernetes.pod.name': 'web-7d9f', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'uid-1' };

describe('views: Kubernetes-aware Containers view', function () {
  let api: ExplorerApi;
  let client: ContainerdClient;

  before(async () => {
    api = await explorer();
    client = await connect({ address: daemonAddress(), namespace: NS });
    await client.containers.create({ id: SANDBOX, image: 'registry.k8s.io/pause:3.9', spec: {}, labels: { ...pod, 'io.cri-containerd.kind': 'sandbox' } });
    await client.containers.create({ id: APP, image: 'docker.io/library/nginx:1', spec: {}, labels: { ...pod, 'io.cri-containerd.kind': 'container', 'io.kubernetes.container.name': 'nginx' } });
    await client.containers.create({ id: 'loose', image: 'busybox', spec: {}, labels: {} });
  });

  after(async () => {
    api.active.set('default');
    for (const id of [SANDBOX, APP, 'loose']) await client.containers.delete(id).catch(() => undefined);
    client.close();
  });

  it('groups by pod, names containers by their Kubernetes name, and puts the marked sandbox first', async () => {
    const provider = api.views.providers.containers;
    // The three records arrive as events, each fetched on its own: wait for the change that shows all of them.
    const all = (): boolean => [SANDBOX, APP, 'loose'].every((id) => api.model.model(NS).containers.has(id));
    const changed = provider.waitForChange((nodes) => all() && nodes.some((n) => n.type === 'container-group'));
    api.active.set(NS);
    await changed;
    void vscode;
    const root = rows(provider);
    assert.deepEqual(root.map((r) => r.label), ['shop/web-7d9f', 'loose']);
    assert.match(root[0].description, /^pod · 1 container/);
    const children = await provider.getChildren(root[0].node) ?? [];
    const inside = rows(provider, children);
    assert.deepEqual(inside.map((r) => r.label), ['web-7d9f (pause)', 'nginx']);
    assert.match(inside[0].description, /^pod sandbox · /);
    assert.doesNotMatch(inside[1].description, /sandbox/);
    assert.match(inside[1].tooltip, new RegExp(`Container nginx\\*\\* \`${APP}\``));
    assert.deepEqual(provider.getParent(children[1]), root[0].node, 'a grouped container can be revealed');
    // Commands still get the container's real id.
    assert.deepEqual(children[1], { type: 'container', namespace: NS, id: APP });
  });
});
