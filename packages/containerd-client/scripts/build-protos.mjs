// Compiles the package's protos/ into its src/generated/containerd.json (protobufjs JSON descriptor),
// which the client bundles and feeds to @grpc/proto-loader's fromJSON and protobuf.Root.fromJSON.
// Usage: node packages/containerd-client/scripts/build-protos.mjs   (npm run protos, from the repository root)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(pkgRoot, 'protos');
const outFile = join(pkgRoot, 'src', 'generated', 'containerd.json');

/** All .proto files under dir, as sorted forward-slash paths relative to protoRoot (stable output order). */
function listProtos(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listProtos(full));
    else if (entry.name.endsWith('.proto')) found.push(relative(protoRoot, full).split(sep).join('/'));
  }
  return found.sort();
}

const files = listProtos(protoRoot);
const root = new protobuf.Root();
// Imports are written relative to protos/; google/protobuf/* never reaches here (protobufjs bundles those).
root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(protoRoot, target));
// keepCase: field names stay snake_case, exactly as on the wire descriptors upstream.
root.loadSync(files, { keepCase: true });
root.resolveAll(); // fails fast on a misspelt type reference

const json = `${JSON.stringify(root.toJSON({ keepComments: false }), null, 1)}\n`;
mkdirSync(dirname(outFile), { recursive: true });
let previous = '';
try {
  previous = readFileSync(outFile, 'utf8');
} catch {
  // first build
}
// Leave the file untouched when nothing changed, so watchers and incremental builds stay quiet.
if (previous !== json) writeFileSync(outFile, json);
console.log(`protos: ${files.length} files -> ${relative(process.cwd(), outFile)}${previous === json ? ' (unchanged)' : ''}`);
