// Our hand-written protos/ must stay wire-compatible with containerd 1.6: this compares the compiled
// descriptor (packages/containerd-client/src/generated/containerd.json) with the upstream .proto files that Debian's
// golang-github-containerd-containerd-dev installs, field number by field number. Without them it skips loudly,
// and fails under CI=true.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { INamespace, Root } from 'protobufjs';
import { compareDefinitions, missingFromOurs } from './proto-compare';

const GOCODE = '/usr/share/gocode/src';
const API = path.join(GOCODE, 'github.com/containerd/containerd/api');
const GOGO = path.join(GOCODE, 'github.com/gogo/protobuf/gogoproto/gogo.proto');
const RPC_STATUS = path.join(GOCODE, 'github.com/gogo/googleapis/google/rpc/status.proto');
const DESCRIPTOR_JSON = path.join(__dirname, '../../../packages/containerd-client/src/generated/containerd.json');

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

/** Packages only containerd 1.7+/2.x has: compared with the 2.x reference by protos-2x.test.ts. */
const NEWER_THAN_1_6 = /^\.containerd\.(services\.(transfer|streaming)\.v1|types\.transfer)\./;

describe('protos/ match containerd 1.6 upstream', function () {
  let ours: Root;
  let ref: Root;
  let stubDir: string;

  before(function () {
    const absent = REFERENCE_FILES.filter((f) => !fs.existsSync(f));
    if (absent.length) {
      const why = `containerd 1.6 reference protos not found (${absent.length} files missing under ${GOCODE}, e.g. ${absent[0]}): apt-get install golang-github-containerd-containerd-dev`;
      // CI must prove the check ran: a missing reference there is a broken setup, not a reason to pass.
      assert.ok(process.env.CI !== 'true', `${why} (CI=true: failing instead of skipping)`);
      console.warn(`\n    !!! SKIPPED the protos field check: ${why}\n`);
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
    const { problems, checked } = compareDefinitions(ours, ref, (name) => !NEWER_THAN_1_6.test(name));
    assert.deepEqual(problems, []);
    assert.ok(checked > 150, `only ${checked} definitions checked`);
  });

  it('every upstream message, enum and service of the mirrored files is in ours', function () {
    assert.deepEqual(missingFromOurs(ours, ref, REFERENCE_FILES), []);
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
