// The spec-less container records (services/container-records.ts) read from wire bytes what the full decoding
// (proto-loader's deserializer over our compiled protos, then toContainer) gives, minus the spec: every field, map
// entries, timestamps (Go's zero time, nanos, dates past 2038), unknown fields, List's repeated records.
import * as assert from 'node:assert/strict';
import { fromJSON } from '@grpc/proto-loader';
import { Root, Writer, type INamespace } from 'protobufjs';
import descriptor from '../../packages/containerd-client/src/generated/containerd.json';
import { LOADER_OPTIONS } from '../../packages/containerd-client/src/grpc/loader';
import { decodeContainerRecords } from '../../packages/containerd-client/src/services/container-records';
import { toContainer, type RawContainer } from '../../packages/containerd-client/src/services/containers';
import type { Container } from '../../packages/containerd-client/src/types';

const PKG = 'containerd.services.containers.v1';
const root = Root.fromJSON(descriptor as INamespace);
const listMessage = root.lookupType(`${PKG}.ListContainerMessage`);
const listResponse = root.lookupType(`${PKG}.ListContainersResponse`);
const methods = fromJSON(descriptor as INamespace, LOADER_OPTIONS)[`${PKG}.Containers`] as Record<string, { responseDeserialize: (b: Buffer) => unknown }>;

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const ts = (seconds: number, nanos = 0): { seconds: number; nanos: number } => ({ seconds, nanos });

const FULL = {
  id: 'web-1', image: 'docker.io/library/nginx:1.27',
  labels: { 'io.kubernetes.pod.name': 'web', 'nerdctl/name': 'wéb ✓', empty: '' },
  runtime: { name: 'io.containerd.runc.v2', options: { type_url: 'containerd.runc.v1.Options', value: Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63]) } },
  spec: { type_url: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: json({ ociVersion: '1.1.0', process: { args: ['nginx'] } }) },
  snapshotter: 'overlayfs', snapshot_key: 'web-1-snapshot',
  created_at: ts(1_764_650_000, 123_456_789), updated_at: ts(4_102_444_800, 999_999_999), // 2100: past int32 seconds
  extensions: { 'nerdctl/extra': { type_url: 'example.com/Extra', value: Buffer.from('x') }, other: { type_url: '', value: Buffer.alloc(0) } },
};

/** What the client's full listing gives for these bytes, spec dropped as `spec: false` callers see it. */
function fullDecoding(method: 'ListStream' | 'List', bytes: Buffer): Container[] {
  const res = methods[method].responseDeserialize(bytes) as { container?: RawContainer; containers?: RawContainer[] };
  return (res.containers ?? [res.container as RawContainer]).map((c) => toContainer(c, false));
}

function streamMessage(container: object): Buffer {
  return Buffer.from(listMessage.encode(listMessage.fromObject({ container })).finish());
}

/** The record with fields appended inside it, unknown to us (42-45) or known with another wire type (3), and one after it. */
function withStrangeFields(container: object): Buffer {
  const type = root.lookupType(`${PKG}.Container`);
  const extra = Writer.create()
    .uint32((42 << 3) | 2).string('future field')
    .uint32((43 << 3) | 0).uint64(2 ** 40)
    .uint32((44 << 3) | 1).fixed64(7)
    .uint32((45 << 3) | 5).fixed32(9)
    .uint32((3 << 3) | 0).uint32(5) // image as a varint: not ours
    .finish();
  const body = Buffer.concat([type.encode(type.fromObject(container)).finish(), extra]);
  return Buffer.from(Writer.create().uint32((1 << 3) | 2).bytes(body).uint32((99 << 3) | 2).string('outer unknown').finish());
}

describe('container records without the spec (unit)', () => {
  it('reads every field as the full decoding does, the spec left out', () => {
    const bytes = streamMessage(FULL);
    const ours = decodeContainerRecords(bytes);
    assert.deepEqual(ours, fullDecoding('ListStream', bytes));
    assert.deepEqual(ours, [{
      id: 'web-1', image: 'docker.io/library/nginx:1.27', labels: FULL.labels,
      runtime: { name: 'io.containerd.runc.v2', optionsTypeUrl: 'containerd.runc.v1.Options' }, spec: undefined,
      snapshotter: 'overlayfs', snapshotKey: 'web-1-snapshot',
      createdAt: new Date(1_764_650_000_123), updatedAt: new Date(4_102_444_800_999),
      extensions: { 'nerdctl/extra': 'example.com/Extra', other: '' },
    }]);
  });

  it('gives the defaults for a record with only an id, and no dates for Go\'s zero time', () => {
    for (const container of [{ id: 'bare' }, { id: 'zero', created_at: ts(-62_135_596_800), updated_at: ts(0, 5) }, { id: 'rt', runtime: { name: 'r' } }]) {
      const bytes = streamMessage(container);
      assert.deepEqual(decodeContainerRecords(bytes), fullDecoding('ListStream', bytes), container.id);
    }
    assert.deepEqual(decodeContainerRecords(streamMessage({ id: 'zero', created_at: ts(-62_135_596_800) }))[0].createdAt, undefined);
  });

  it('reads List\'s repeated records in order', () => {
    const containers = [FULL, { id: 'b', labels: { a: '1' } }, { ...FULL, id: 'c', spec: null }];
    const bytes = Buffer.from(listResponse.encode(listResponse.fromObject({ containers })).finish());
    const ours = decodeContainerRecords(bytes);
    assert.deepEqual(ours.map((c) => c.id), ['web-1', 'b', 'c']);
    assert.deepEqual(ours, fullDecoding('List', bytes));
  });

  it('steps over fields it does not know, and known fields of another wire type', () => {
    const plain = decodeContainerRecords(streamMessage(FULL));
    assert.deepEqual(decodeContainerRecords(withStrangeFields(FULL)), plain);
  });

  it('gives nothing for an empty message and throws on truncated bytes', () => {
    assert.deepEqual(decodeContainerRecords(Buffer.alloc(0)), []);
    const bytes = streamMessage(FULL);
    assert.throws(() => decodeContainerRecords(bytes.subarray(0, bytes.length - 3)));
  });
});
