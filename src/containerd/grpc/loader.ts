// Loads our protos from the JSON compiled at build time (npm run protos): no proto files are read at run time.
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import descriptor from '../generated/containerd.json';

/** Constructor of a grpc-js service client (as loadPackageDefinition would hand out for a service). */
export type ServiceCtor = grpc.ServiceClientConstructor;

let root: protobuf.Root | undefined;
const ctors = new Map<string, ServiceCtor>();

/** Conversions of decoded messages (what @grpc/proto-loader's deserializers do with LOADER_OPTIONS). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

function serializer(type: protobuf.Type): (arg: object) => Buffer {
  return (arg) => {
    const bytes = type.encode(type.fromObject(arg)).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  };
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

/**
 * A service's method definitions, built from the protobufjs root only when the service is first used.
 * (@grpc/proto-loader built all of them at once, with a descriptor proto per message for reflection we never use:
 * about 100 ms of CPU at every start.)
 */
function serviceDefinition(fullName: string): grpc.ServiceDefinition {
  let service: protobuf.Service;
  try {
    service = protoRoot().lookupService(fullName);
  } catch {
    throw new Error(`service ${fullName} is missing from the compiled protos`);
  }
  service.resolveAll();
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const m of service.methodsArray) {
    const req = m.resolvedRequestType as protobuf.Type;
    const res = m.resolvedResponseType as protobuf.Type;
    def[m.name] = {
      path: `/${fullName}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: serializer(req),
      requestDeserialize: deserializer(req),
      responseSerialize: serializer(res),
      responseDeserialize: deserializer(res),
      originalName: m.name.charAt(0).toLowerCase() + m.name.slice(1),
    };
  }
  return def;
}

/** The protobufjs root, used to encode and decode `google.protobuf.Any` payloads (events, metrics, process info). */
export function protoRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  return root;
}

/** Looks up a service by its full name, e.g. `containerd.services.tasks.v1.Tasks`. */
export function serviceCtor(fullName: string): ServiceCtor {
  let ctor = ctors.get(fullName);
  if (!ctor) {
    ctor = grpc.makeGenericClientConstructor(serviceDefinition(fullName), fullName);
    ctors.set(fullName, ctor);
  }
  return ctor;
}
