// Loads our protos from the JSON compiled at build time (npm run protos): no proto files are read at run time.
// Only what is used gets built: a service's (or an Any type's) proto package and the packages it depends on
// (generated/package-deps.json), so connecting, which needs the Version service, does not pay for the 21 packages
// (about 35 ms of CPU at every start of a plain Node process).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import descriptor from '../generated/containerd.json';
import packageDeps from '../generated/package-deps.json';

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** Constructor of a grpc-js service client: what loadPackageDefinition hands out for a service. */
export type ServiceCtor = grpc.ServiceClientConstructor;

type Json = protobuf.INamespace & { nested?: Record<string, Json & { fields?: unknown; values?: unknown; methods?: unknown }> };

const DEPS: Record<string, string[] | undefined> = packageDeps;
const PACKAGES = Object.keys(DEPS).sort((a, b) => b.length - a.length); // longest first: the innermost package wins

/** The proto package holding `fullName` (a type or service), or undefined when it is in none of ours. */
export function packageOfName(fullName: string): string | undefined {
  return PACKAGES.find((p) => fullName.startsWith(`${p}.`));
}

/** The descriptor JSON cut down to `packages`: each keeps its own types; namespaces lead to them. */
export function descriptorSubset(packages: readonly string[]): Json {
  const out: Json = { nested: {} };
  for (const pkg of packages) {
    let src: Json | undefined = descriptor as Json;
    let dst = out;
    for (const part of pkg.split('.')) {
      src = src?.nested?.[part];
      dst.nested ??= {};
      dst = (dst.nested[part] ??= {});
    }
    if (!src?.nested) continue;
    dst.nested ??= {};
    // Types only: a nested namespace is another package, taken when listed.
    for (const [name, node] of Object.entries(src.nested)) if (node.fields || node.values || node.methods) dst.nested[name] = node;
  }
  return out;
}

function closureOf(fullName: string): string[] {
  const pkg = packageOfName(fullName);
  const deps = pkg ? DEPS[pkg] : undefined;
  if (!deps) throw new Error(`${fullName} is missing from the compiled protos`);
  return deps;
}

const grpcObjects = new Map<string, grpc.GrpcObject>();
const roots = new Map<string, protobuf.Root>();
const types = new Map<string, protobuf.Type>();

/** Looks up a service by its full name, e.g. `containerd.services.tasks.v1.Tasks`. */
export function serviceCtor(fullName: string): ServiceCtor {
  const packages = closureOf(fullName);
  const key = packages.join(',');
  let obj = grpcObjects.get(key);
  if (!obj) {
    obj = grpc.loadPackageDefinition(protoLoader.fromJSON(descriptorSubset(packages), LOADER_OPTIONS));
    grpcObjects.set(key, obj);
  }
  let node: unknown = obj;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function') throw new Error(`service ${fullName} is missing from the compiled protos`);
  return node as ServiceCtor;
}

/**
 * The protobufjs type `fullName` (e.g. `containerd.events.TaskExit`), to encode and decode `google.protobuf.Any`
 * payloads (events, metrics, process info). Throws when it is not in our protos.
 */
export function lookupProtoType(fullName: string): protobuf.Type {
  // Per event and per metrics sample: found once, then from the map.
  let type = types.get(fullName);
  if (!type) {
    type = buildProtoType(fullName);
    types.set(fullName, type);
  }
  return type;
}

function buildProtoType(fullName: string): protobuf.Type {
  const packages = closureOf(fullName);
  const key = packages.join(',');
  let root = roots.get(key);
  if (!root) {
    root = protobuf.Root.fromJSON(descriptorSubset(packages));
    roots.set(key, root);
  }
  return root.lookupType(fullName);
}
