// Content.Write's hand-encoded WRITE requests decode, with protobufjs and our own protos, to what was meant;
// and a source's items are split into messages without copying.
import * as assert from 'node:assert/strict';
import { lookupProtoType } from '../../packages/containerd-client/src/grpc/loader';
import { encodeWriteChunk, messages } from '../../packages/containerd-client/src/services/content-write-encoder';

describe('content write encoder (unit)', () => {
  const type = lookupProtoType('containerd.services.content.v1.WriteContentRequest');

  it('encodes WRITE requests that protobuf decodes to the same fields', () => {
    for (const offset of [0, 1, 127, 128, 300_000, 2 ** 40 + 5]) {
      const parts = [Buffer.from('hello '), Buffer.alloc(200, 7), Buffer.from('world')];
      const length = parts.reduce((n, p) => n + p.length, 0);
      const bytes = encodeWriteChunk({ action: 'WRITE', ref: 'layer-sha256:abc…é', offset, parts, length });
      assert.ok(bytes);
      const msg = type.toObject(type.decode(bytes), { longs: Number, enums: String, bytes: Buffer });
      assert.equal(msg.action, 'WRITE');
      assert.equal(msg.ref, 'layer-sha256:abc…é');
      assert.equal(msg.offset ?? 0, offset);
      assert.deepEqual(msg.data, Buffer.concat(parts));
    }
  });

  it('leaves other requests to protobuf', () => {
    assert.equal(encodeWriteChunk({ action: 'STAT', ref: 'x' }), undefined);
    assert.equal(encodeWriteChunk({ action: 'WRITE', ref: 'x', offset: 0, data: Buffer.alloc(1) }), undefined);
  });

  it('splits items into messages of at most the chunk size, without copying', () => {
    const a = Buffer.alloc(5, 1);
    const b = Buffer.alloc(7, 2);
    const out = [...messages([a, b], 4)];
    assert.deepEqual(out.map((m) => m.length), [4, 4, 4]);
    assert.equal(out[0].parts[0].buffer, a.buffer);
    assert.deepEqual(Buffer.concat(out.flatMap((m) => m.parts)), Buffer.concat([a, b]));
    assert.deepEqual([...messages(Buffer.alloc(3), 4)].map((m) => m.length), [3]);
    assert.deepEqual([...messages([], 4)], []);
  });
});
