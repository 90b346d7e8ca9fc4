// BENCH_EXPERIMENT=list-fixes: measures, in the same extension host, what the fixes proposed for the views-list
// benchmark would gain, by patching the running extension (never used for the reported figures without the flag):
// 1. Containers.List streamed (ListStream, as containerd's Go client does) with specs left undecoded: the model
//    drops them, yet today each of 1,000 spec JSONs is parsed, in one synchronous burst.
// 2. A refresh announces its result at once instead of waiting out the 30 ms coalescing window.
// It reaches into private fields of the bundled extension; delete it once the fixes land.
import type { Container, ContainerdClient } from '../../../src/containerd';
import type { ExplorerApi } from '../../../src/extension';

interface RawContainer {
  id: string; labels: Record<string, string>; image: string; runtime?: { name: string } | null;
  snapshotter: string; snapshot_key: string; created_at?: { seconds: number; nanos: number }; updated_at?: { seconds: number; nanos: number };
}
interface StreamingRpc { serverStream<T>(name: string, req: object): AsyncIterable<T> }
type ContainersProto = { list(filters?: string[]): Promise<Container[]> };

const toDate = (t?: { seconds: number; nanos: number }): Date | undefined => (t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)) : undefined);

export function applyListFixes(api: ExplorerApi): string[] {
  const client = api.connection.client as ContainerdClient;
  const proto = Object.getPrototypeOf(client.containers) as ContainersProto;
  proto.list = async function (this: { rpc: StreamingRpc }, filters: string[] = []): Promise<Container[]> {
    const out: Container[] = [];
    for await (const m of this.rpc.serverStream<{ container: RawContainer }>('ListStream', { filters })) {
      const c = m.container;
      out.push({
        id: c.id, labels: c.labels ?? {}, image: c.image, runtime: { name: c.runtime?.name ?? '' }, spec: undefined,
        snapshotter: c.snapshotter, snapshotKey: c.snapshot_key, createdAt: toDate(c.created_at), updatedAt: toDate(c.updated_at), extensions: {},
      } as Container);
    }
    return out;
  };
  const model = api.model as unknown as { refreshAll(): Promise<void>; coalescer: { flushNow(): void } };
  const refreshAll = model.refreshAll.bind(model);
  model.refreshAll = async () => {
    await refreshAll();
    model.coalescer.flushNow();
  };
  return ['Containers.List -> ListStream without spec decoding', 'refresh flushes at once (no 30 ms window)'];
}
