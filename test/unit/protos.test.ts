// Our hand-written protos/ must stay wire-compatible with containerd 1.6: this compares the compiled
// descriptor (src/containerd/generated/containerd.json) with the upstream .proto files that Debian's
// golang-github-containerd-containerd-dev installs, field number by field number.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { Enum, INamespace, MapField, Namespace, ReflectionObject, Root, Service, Type } from 'protobufjs';

const GOCODE = '/usr/share/gocode/src';
const API = path.join(GOCODE, 'github.com/containerd/containerd/api');
const GOGO = path.join(GOCODE, 'github.com/gogo/protobuf/gogoproto/gogo.proto');
const RPC_STATUS = path.join(GOCODE, 'github.com/gogo/googleapis/google/rpc/status.proto');
const DESCRIPTOR_JSON = path.join(__dirname, '../../../src/containerd/generated/containerd.json');

/** The upstream files our protos/ mirror (the ttrpc events service is left out on purpose). */
const REFERENCE_FILES = [
  'types/descriptor.proto', 'types/mount.proto', 'types/platform.proto', 'types/metrics.proto', 'types/task/task.proto',
  ...['version/v1/version', 'introspection/v1/introspection', 'namespaces/v1/namespace', 'images/v1/images',
    'containers/v1/containers', 'tasks/v1/tasks', 'content/v1/content', 'snapshots/v1/snapshots', 'diff/v1/diff',
    'leases/v1/leases', 'events/v1/events'].map((s) => `services/${s}.proto`),
  ...['container', 'content', 'image', 'namespace', 'snapshot', 'task'].map((e) => `events/${e}.proto`),
].map((f) => path.join(API, f)).concat(
  path.join(GOCODE, 'github.com/containerd/cgroups/stats/v1/metrics.proto'),
  path.join(GOCODE, 'github.com/containerd/cgroups/v2/stats/metrics.proto'),
  RPC_STATUS,
);

/** Loads the upstream files; gogoproto is only used for Go codegen options, so a stub stands in when absent. */
function loadReference(stubDir: string): Root {
  let gogo = GOGO;
  if (!fs.existsSync(gogo)) {
    gogo = path.join(stubDir, 'gogo.proto');
    fs.writeFileSync(gogo, 'syntax = "proto2";\npackage gogoproto;\n');
  }
  const protobufjsDir = path.dirname(require.resolve('protobufjs/package.json'));
  const root = new Root();
  root.resolvePath = (_origin: string, target: string): string => {
    if (path.isAbsolute(target)) return target;
    if (target === 'gogoproto/gogo.proto') return gogo;
    if (target === 'google/rpc/status.proto') return RPC_STATUS;
    if (target.startsWith('google/protobuf/')) return path.join(protobufjsDir, target); // descriptor.proto for gogo
    return path.join(GOCODE, target); // github.com/... imports
  };
  root.loadSync(REFERENCE_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

function walk(ns: Namespace, visit: (obj: ReflectionObject) => void): void {
  for (const obj of ns.nestedArray) {
    visit(obj);
    if (obj instanceof Namespace) walk(obj, visit);
  }
}

/** A field's wire shape in one comparable line: number, label, map key and the resolved type name. */
function fieldShape(type: Type, name: string): string {
  const f = type.fields[name];
  const typeName = f.resolvedType ? f.resolvedType.fullName : f.type;
  const key = f instanceof MapField ? `map<${f.keyType}> ` : '';
  return `${f.id} ${f.repeated ? 'repeated ' : ''}${key}${typeName}${f.packed && f.repeated ? ' packed' : ''}`;
}

function compareType(ours: Type, ref: Type, problems: string[]): void {
  const names = new Set([...Object.keys(ours.fields), ...Object.keys(ref.fields)]);
  for (const name of names) {
    const where = `${ours.fullName}.${name}`;
    if (!ref.fields[name]) problems.push(`${where}: not upstream`);
    else if (!ours.fields[name]) problems.push(`${where}: missing (upstream ${fieldShape(ref, name)})`);
    else if (fieldShape(ours, name) !== fieldShape(ref, name)) {
      problems.push(`${where}: ours "${fieldShape(ours, name)}" upstream "${fieldShape(ref, name)}"`);
    }
  }
  if (ours.oneofsArray.length !== ref.oneofsArray.length) problems.push(`${ours.fullName}: oneofs differ`);
}

function compareEnum(ours: Enum, ref: Enum, problems: string[]): void {
  const show = (e: Enum): string => JSON.stringify(Object.entries(e.values).sort(([a], [b]) => a.localeCompare(b)));
  if (show(ours) !== show(ref)) problems.push(`${ours.fullName}: values ${show(ours)} upstream ${show(ref)}`);
}

function compareService(ours: Service, ref: Service, problems: string[]): void {
  const shape = (s: Service, name: string): string => {
    const m = s.methods[name];
    const side = (stream: boolean | undefined, t: Type | null): string => `${stream ? 'stream ' : ''}${t?.fullName ?? '?'}`;
    return `${side(m.requestStream, m.resolvedRequestType)} -> ${side(m.responseStream, m.resolvedResponseType)}`;
  };
  for (const name of new Set([...Object.keys(ours.methods), ...Object.keys(ref.methods)])) {
    const where = `${ours.fullName}.${name}`;
    if (!ref.methods[name]) problems.push(`${where}: not upstream`);
    else if (!ours.methods[name]) problems.push(`${where}: rpc missing (upstream ${shape(ref, name)})`);
    else if (shape(ours, name) !== shape(ref, name)) problems.push(`${where}: ours ${shape(ours, name)} upstream ${shape(ref, name)}`);
  }
}

describe('protos/ match containerd 1.6 upstream', function () {
  let ours: Root;
  let ref: Root;
  let stubDir: string;

  before(function () {
    if (!fs.existsSync(API)) {
      console.log(`    (skipped: reference protos not found at ${API}; apt-get install golang-github-containerd-containerd-dev)`);
      this.skip();
    }
    assert.ok(fs.existsSync(DESCRIPTOR_JSON), `${DESCRIPTOR_JSON} missing: run npm run protos`);
    ours = Root.fromJSON(JSON.parse(fs.readFileSync(DESCRIPTOR_JSON, 'utf8')) as INamespace);
    ours.resolveAll();
    stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'protos-test-'));
    ref = loadReference(stubDir);
  });

  after(function () {
    if (stubDir) fs.rmSync(stubDir, { recursive: true, force: true });
  });

  it('every message, enum and service of ours has the upstream wire shape', function () {
    const problems: string[] = [];
    let checked = 0;
    walk(ours, (obj) => {
      if (!(obj instanceof Type || obj instanceof Enum || obj instanceof Service)) return;
      const upstream = ref.lookup(obj.fullName);
      checked++;
      if (!upstream) problems.push(`${obj.fullName}: not upstream`);
      else if (obj instanceof Type && upstream instanceof Type) compareType(obj, upstream, problems);
      else if (obj instanceof Enum && upstream instanceof Enum) compareEnum(obj, upstream, problems);
      else if (obj instanceof Service && upstream instanceof Service) compareService(obj, upstream, problems);
      else problems.push(`${obj.fullName}: kind differs from upstream`);
    });
    assert.deepEqual(problems, []);
    assert.ok(checked > 150, `only ${checked} definitions checked`);
  });

  it('every upstream message, enum and service of the mirrored files is in ours', function () {
    const referenceFiles = new Set(REFERENCE_FILES);
    const missing: string[] = [];
    walk(ref, (obj) => {
      const isDefinition = obj instanceof Type || obj instanceof Enum || obj instanceof Service;
      if (isDefinition && obj.filename && referenceFiles.has(obj.filename) && !ours.lookup(obj.fullName)) {
        missing.push(obj.fullName);
      }
    });
    assert.deepEqual(missing, []);
  });

});

describe('generated containerd.json loads the way the client loads it', function () {
  let json: INamespace;

  before(function () {
    assert.ok(fs.existsSync(DESCRIPTOR_JSON), `${DESCRIPTOR_JSON} missing: run npm run protos`);
    json = JSON.parse(fs.readFileSync(DESCRIPTOR_JSON, 'utf8')) as INamespace;
  });

  it('gives every service to grpc-js through proto-loader', function () {
    const def = fromJSON(json, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const loaded = grpc.loadPackageDefinition(def);
    const services = ['version.Version', 'introspection.Introspection', 'namespaces.Namespaces', 'images.Images',
      'containers.Containers', 'tasks.Tasks', 'content.Content', 'snapshots.Snapshots', 'diff.Diff', 'leases.Leases',
      'events.Events'];
    for (const s of services) {
      const [pkg, name] = s.split('.');
      // Walks the same path the client uses: loaded.containerd.services.<pkg>.v1.<Name>.
      const ns = ['containerd', 'services', pkg, 'v1'].reduce((o, k) => o[k] as grpc.GrpcObject, loaded);
      assert.equal(typeof ns[name], 'function', s);
    }
    const write = def['containerd.services.content.v1.Content'] as grpc.ServiceDefinition;
    assert.ok(write.Write.requestStream && write.Write.responseStream, 'Content.Write is bidirectional');
  });

  it('decodes an event envelope and its Any payload with snake_case names', function () {
    const root = Root.fromJSON(json);
    const exit = root.lookupType('containerd.events.TaskExit');
    const envelope = root.lookupType('containerd.services.events.v1.Envelope');
    const payload = exit.encode(exit.fromObject({ container_id: 'c1', pid: 7, exit_status: 137 })).finish();
    const wire = envelope.encode(envelope.fromObject({
      topic: '/tasks/exit', namespace: 'default', event: { type_url: 'containerd.events.TaskExit', value: payload },
    })).finish();
    const decoded = envelope.toObject(envelope.decode(wire)) as { event: { type_url: string; value: Uint8Array } };
    const inner = root.lookupType(decoded.event.type_url);
    assert.deepEqual(inner.toObject(inner.decode(decoded.event.value)), { container_id: 'c1', pid: 7, exit_status: 137 });
    for (const name of ['containerd.services.images.v1.ImageCreate', 'containerd.v1.types.Process',
      'io.containerd.cgroups.v1.Metrics', 'io.containerd.cgroups.v2.Metrics', 'google.rpc.Status']) {
      assert.ok(root.lookupType(name), name);
    }
  });
});
