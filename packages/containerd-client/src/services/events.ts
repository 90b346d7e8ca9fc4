// containerd.services.events.v1: one server stream of every event (all namespaces unless filtered), decoded to typed events.
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { decodeAny, toDate, type RawAny, type RawTimestamp } from '../grpc/convert';
import type { ContainerdEvent, EventTopic } from '../event-types';

interface RawEnvelope { timestamp?: RawTimestamp; namespace: string; topic: string; event?: RawAny | null }

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function isTimestamp(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 2 && keys.includes('seconds') && keys.includes('nanos');
}

/** snake_case proto objects to camelCase, Timestamps to Dates, recursively. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (isTimestamp(o)) return toDate(o as unknown as RawTimestamp);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [camel(k), normalise(x)]));
  }
  return v;
}

export function decodeEnvelope(env: RawEnvelope): ContainerdEvent {
  const decoded = decodeAny(env.event);
  return {
    topic: env.topic as EventTopic,
    namespace: env.namespace,
    timestamp: toDate(env.timestamp),
    payload: (decoded ? normalise(decoded.value) : {}) as never,
  } as ContainerdEvent;
}

export interface SubscribeOptions extends CallOptions {
  /** containerd filter expressions, OR-ed: e.g. `namespace==default`, `topic~="/tasks/"`. */
  filters?: string[];
}

export class EventsService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  /**
   * Every event as it happens. Ends quietly when `signal` aborts or the loop breaks; throws a typed error
   * (usually UnavailableError) when the connection drops, so callers can resubscribe.
   */
  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<ContainerdEvent> {
    const stream = this.rpc.serverStream<RawEnvelope>('Subscribe', { filters: options.filters ?? [] }, { ...options, endOnAbort: true }, 'events.subscribe');
    for await (const env of stream) yield decodeEnvelope(env);
  }

  /** Publishes an event (used by tests and tools; containerd itself publishes the lifecycle events). */
  async publish(topic: string, event: RawAny, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Publish', { topic, event }, opts, `events.publish ${topic}`);
  }
}
