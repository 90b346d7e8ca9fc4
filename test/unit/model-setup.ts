// The view model over the in-memory fake client (fake-client.ts), as the unit tests of event application and
// ordering use it: one namespace `default` with an image, a container with a running task and one without.
import { ExplorerModel } from '../../src/views/model/explorer-model';
import type { ModelChange } from '../../src/views/model/types';
import { FakeClient, FakeStore } from './fake-client';

export interface ModelRig {
  store: FakeStore;
  client: FakeClient;
  model: ExplorerModel;
  changes: ModelChange[];
  failures: { e: unknown; what: string }[];
  /** Resolves once every fetch has run and its changes were announced. */
  idle(): Promise<void>;
}

/** `coalesceMs` long by default: a test decides when a batch is announced only where it says so. */
export async function modelRig(coalesceMs = 5): Promise<ModelRig> {
  const store = new FakeStore();
  store.addNamespace('default');
  const img = store.addImageContent(['sha256:' + 'a'.repeat(64)]);
  store.addImage('default', { name: 'docker.io/library/app:1', labels: {}, target: img.target });
  store.addContainer('default', 'c1');
  store.setTask('default', 'c1', 'running', { pid: 101 });
  store.addContainer('default', 'c2');
  const client = new FakeClient(store);
  const changes: ModelChange[] = [];
  const failures: { e: unknown; what: string }[] = [];
  const model = new ExplorerModel({ client: () => client, failed: (e, what) => failures.push({ e, what }) }, coalesceMs);
  model.onDidChange((c) => changes.push(c));
  await model.refreshAll();
  await model.whenIdle();
  store.calls.length = 0;
  changes.length = 0;
  return { store, client, model, changes, failures, idle: () => model.whenIdle() };
}
