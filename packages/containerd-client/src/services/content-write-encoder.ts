// Encodes Content.Write's WRITE requests by hand: the protobuf fields before the data, so the data chunks a writer
// gathered go out as they are (grpc/h2-duplex.ts), or are copied once into the message for grpc-js (protobufjs would
// copy them again). Everything else (STAT, COMMIT) goes through protobuf as usual.

/** A WRITE request whose data is `parts` (sent as one message). */
export interface WriteChunk {
  action: 'WRITE';
  ref: string;
  offset: number;
  parts: readonly Uint8Array[];
  length: number;
}

export function isWriteChunk(msg: unknown): msg is WriteChunk {
  return !!msg && typeof msg === 'object' && (msg as WriteChunk).action === 'WRITE' && Array.isArray((msg as WriteChunk).parts);
}

const ACTION_WRITE = 1;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) { n = Math.floor(n / 128); len++; }
  return len;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 128) { buf[pos++] = (n % 128) | 128; n = Math.floor(n / 128); }
  buf[pos++] = n;
  return pos;
}

/**
 * WriteContentRequest { action = 1 (enum), ref = 2 (string), offset = 5 (int64), data = 6 (bytes) }, fields in
 * number order as protobuf writes them: `head` holds every byte before the data (ending with data's tag and
 * length), so head followed by the parts is the whole message, and the data itself need not be copied.
 */
export function encodeWriteHead(msg: unknown): { head: Buffer; parts: readonly Uint8Array[] } | undefined {
  if (!isWriteChunk(msg)) return undefined;
  const ref = Buffer.from(msg.ref, 'utf8');
  const size = 2 + 1 + varintLength(ref.length) + ref.length + 1 + varintLength(msg.offset) + 1 + varintLength(msg.length);
  const b = Buffer.allocUnsafe(size); // small: from Node's pool; every byte is written below
  let p = 0;
  b[p++] = (1 << 3) | 0; b[p++] = ACTION_WRITE;
  b[p++] = (2 << 3) | 2; p = writeVarint(b, p, ref.length); p += ref.copy(b, p);
  b[p++] = (5 << 3) | 0; p = writeVarint(b, p, msg.offset);
  b[p++] = (6 << 3) | 2; p = writeVarint(b, p, msg.length);
  return { head: b.subarray(0, p), parts: msg.parts };
}

/**
 * The same WRITE request as one buffer, for grpc-js (whose serializer must return one): the data is copied once,
 * straight into the message. Each message gets a buffer of its own: grpc-js may keep a sent message (its retry
 * buffer) and call the write's callback before framing it, so a reused buffer could change under it.
 */
export function encodeWriteChunk(msg: unknown): Buffer | undefined {
  const encoded = encodeWriteHead(msg);
  if (!encoded) return undefined;
  return Buffer.concat([encoded.head, ...encoded.parts]);
}

/** Splits a writer's input into messages of at most `max` bytes without copying. */
export function* messages(item: Uint8Array | readonly Uint8Array[], max: number): Generator<{ parts: Uint8Array[]; length: number }> {
  let parts: Uint8Array[] = [];
  let length = 0;
  for (let part of Array.isArray(item) ? item as readonly Uint8Array[] : [item as Uint8Array]) {
    while (part.length > 0) {
      const take = Math.min(part.length, max - length);
      parts.push(part.subarray(0, take));
      length += take;
      part = part.subarray(take);
      if (length === max) { yield { parts, length }; parts = []; length = 0; }
    }
  }
  if (length > 0) yield { parts, length };
}
