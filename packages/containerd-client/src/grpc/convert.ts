// Conversions between proto shapes (snake_case, Timestamp, Any) and the client's domain types.
import { lookupProtoType } from './loader';
import type { Descriptor, Mount, Platform } from '../types';

export interface RawTimestamp { seconds: number | string; nanos: number }
export interface RawAny { type_url: string; value: Buffer | Uint8Array }
export interface RawDescriptor { media_type: string; digest: string; size: number | string; annotations?: Record<string, string> }
export interface RawMount { type: string; source: string; target?: string; options: string[] }
export interface RawPlatform { os: string; architecture: string; variant?: string }

export function toDate(ts: RawTimestamp | null | undefined): Date | undefined {
  if (!ts) return undefined;
  const s = Number(ts.seconds);
  // containerd sends Go's zero time (year 1) for "never", e.g. exited_at of a running process.
  if (s <= 0) return undefined;
  return new Date(s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

export function fromDate(d: Date): RawTimestamp {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export function toDescriptor(d: RawDescriptor): Descriptor {
  const out: Descriptor = { mediaType: d.media_type, digest: d.digest, size: Number(d.size) };
  if (d.annotations && Object.keys(d.annotations).length) out.annotations = { ...d.annotations };
  return out;
}

export function fromDescriptor(d: Descriptor): RawDescriptor {
  return { media_type: d.mediaType, digest: d.digest, size: d.size, annotations: d.annotations ?? {} };
}

export function toMount(m: RawMount): Mount {
  return { type: m.type, source: m.source, options: [...(m.options ?? [])], ...(m.target ? { target: m.target } : {}) };
}

export function fromMount(m: Mount): RawMount {
  return { type: m.type, source: m.source, target: m.target ?? '', options: m.options };
}

export function toPlatform(p: RawPlatform): Platform {
  return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}

/** `Any` whose value is JSON: how containerd carries OCI runtime specs and process specs. */
export function jsonAny(typeUrl: string, value: unknown): RawAny {
  return { type_url: typeUrl, value: Buffer.from(JSON.stringify(value)) };
}

export function parseJsonAny<T>(any: RawAny | null | undefined): T | undefined {
  if (!any || !any.value || any.value.length === 0) return undefined;
  return JSON.parse(Buffer.from(any.value).toString('utf8')) as T;
}

/** Decodes a protobuf `Any` whose type is in our protos; undefined when the type is unknown to us. */
export function decodeAny(any: RawAny | null | undefined): { typeUrl: string; value: Record<string, unknown> } | undefined {
  if (!any || !any.type_url) return undefined;
  const name = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
  let type;
  try { type = lookupProtoType(name); } catch { return undefined; }
  const msg = type.decode(any.value ?? new Uint8Array());
  const value = type.toObject(msg, { longs: Number, enums: String, defaults: true, arrays: true, objects: true }) as Record<string, unknown>;
  return { typeUrl: any.type_url, value };
}

/** Encodes a protobuf `Any` from a message type in our protos. */
export function encodeAny(typeName: string, value: Record<string, unknown>): RawAny {
  const type = lookupProtoType(typeName);
  return { type_url: typeName, value: Buffer.from(type.encode(type.fromObject(value)).finish()) };
}

export function labels(l: Record<string, string> | null | undefined): Record<string, string> {
  return l ? { ...l } : {};
}
