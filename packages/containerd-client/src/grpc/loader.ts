// Loads our protos from the JSON compiled at build time (npm run protos): no proto files are read at run time.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import descriptor from '../generated/containerd.json';

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** Constructor of a grpc-js service client: what loadPackageDefinition hands out for a service. */
export type ServiceCtor = grpc.ServiceClientConstructor;

let packageObject: grpc.GrpcObject | undefined;
let root: protobuf.Root | undefined;

function pkg(): grpc.GrpcObject {
  packageObject ??= grpc.loadPackageDefinition(protoLoader.fromJSON(descriptor as protobuf.INamespace, LOADER_OPTIONS));
  return packageObject;
}

/** The protobufjs root, used to encode and decode `google.protobuf.Any` payloads (events, metrics, process info). */
export function protoRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  return root;
}

/** Looks up a service by its full name, e.g. `containerd.services.tasks.v1.Tasks`. */
export function serviceCtor(fullName: string): ServiceCtor {
  let node: unknown = pkg();
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function') throw new Error(`service ${fullName} is missing from the compiled protos`);
  return node as ServiceCtor;
}
