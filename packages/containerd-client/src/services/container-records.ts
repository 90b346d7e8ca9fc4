// Container records read straight from containerd's wire bytes, without the OCI spec: the listing the views and the
// storage code make (`containers.list(filters, { spec: false })`). containerd sends every record with its whole spec
// (a few KB of JSON in an Any); protobufjs would decode each message into message objects and proto-loader convert
// them again (toObject) before we build our Container. This reads the fields we keep into the Container itself and
// steps over the spec by its length: for 1,000 records about half the decoding time on a cold start (9 against 15
// ms), a few percent once warm (grpc-js's own receiving is the larger part). Field numbers are those of
// containerd.services.containers.v1 (the same in containerd 1.6, 1.7 and 2.x); test/unit/container-records.test.ts
// checks the result against the protobufjs decoding of the same bytes, and an integration test against the full
// listing of a real daemon.
import { Reader } from 'protobufjs';
import { toDate } from '../grpc/convert';
import type { Container } from '../types';

const LENGTH_DELIMITED = 2;
const VARINT = 0;

/** protobufjs hands out int64 as a number, or as a Long when long.js is loaded. */
function int64(r: Reader): number {
  const v: number | { low: number; high: number } = r.int64();
  return typeof v === 'number' ? v : v.high * 2 ** 32 + (v.low >>> 0);
}

/** The end offset of the length-delimited field at the reader's position. */
function end(r: Reader): number {
  return r.uint32() + r.pos;
}

/** google.protobuf.Timestamp, as toDate reads it (Go's zero time and unset are undefined). */
function timestamp(r: Reader, stop: number): Date | undefined {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === (1 << 3 | VARINT)) seconds = int64(r);
    else if (tag === (2 << 3 | VARINT)) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return toDate({ seconds, nanos });
}

/** google.protobuf.Any: its type URL only (the value is stepped over). */
function anyTypeUrl(r: Reader, stop: number): string {
  let url = '';
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === (1 << 3 | LENGTH_DELIMITED)) url = r.string();
    else r.skipType(tag & 7);
  }
  return url;
}

/**
 * One map<string, V> entry (key = 1, value = 2, `value` reads it from its length on); a missing key or value is the
 * type's default, as in protobuf.
 */
function mapEntry<V>(r: Reader, stop: number, value: (r: Reader) => V, empty: V): [string, V] {
  let k = '';
  let v = empty;
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === (1 << 3 | LENGTH_DELIMITED)) k = r.string();
    else if (tag === (2 << 3 | LENGTH_DELIMITED)) v = value(r);
    else r.skipType(tag & 7);
  }
  return [k, v];
}

function runtime(r: Reader, stop: number, into: Container['runtime']): void {
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === (1 << 3 | LENGTH_DELIMITED)) into.name = r.string();
    else if (tag === (2 << 3 | LENGTH_DELIMITED)) {
      const url = anyTypeUrl(r, end(r));
      if (url) into.optionsTypeUrl = url;
    } else r.skipType(tag & 7);
  }
}

/** containerd.services.containers.v1.Container from `stop - r.pos` bytes, spec (field 5) left out. */
function container(r: Reader, stop: number): Container {
  const c: Container = {
    id: '', labels: {}, image: '', runtime: { name: '' }, spec: undefined, snapshotter: '', snapshotKey: '',
    createdAt: undefined, updatedAt: undefined, extensions: {},
  };
  while (r.pos < stop) {
    const tag = r.uint32();
    // A field of another wire type than ours is not one we know: stepped over like an unknown field.
    if ((tag & 7) !== LENGTH_DELIMITED) { r.skipType(tag & 7); continue; }
    switch (tag >>> 3) {
      case 1: c.id = r.string(); break;
      case 2: { const [k, v] = mapEntry(r, end(r), (x) => x.string(), ''); c.labels[k] = v; break; }
      case 3: c.image = r.string(); break;
      case 4: runtime(r, end(r), c.runtime); break;
      case 6: c.snapshotter = r.string(); break;
      case 7: c.snapshotKey = r.string(); break;
      case 8: c.createdAt = timestamp(r, end(r)); break;
      case 9: c.updatedAt = timestamp(r, end(r)); break;
      case 10: { const [k, v] = mapEntry(r, end(r), (x) => anyTypeUrl(x, end(x)), ''); c.extensions[k] = v; break; }
      default: r.skipType(LENGTH_DELIMITED); // 5: the spec, and fields newer than ours
    }
  }
  return c;
}

/**
 * The containers of a message whose field 1 holds Container records: ListContainerMessage (one, ListStream) or
 * ListContainersResponse (repeated, List). Throws on malformed bytes (grpc-js then fails the call as INTERNAL).
 */
export function decodeContainerRecords(bytes: Uint8Array): Container[] {
  const r = Reader.create(bytes);
  const out: Container[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === (1 << 3 | LENGTH_DELIMITED)) out.push(container(r, end(r)));
    else r.skipType(tag & 7);
  }
  return out;
}
