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

/** The proto package a reflection object belongs to: its full name up to the enclosing namespace that is no type. */
function packageOf(obj) {
  let ns = obj.parent;
  while (ns && !(ns instanceof protobuf.Namespace && !(ns instanceof protobuf.Type) && !(ns instanceof protobuf.Service))) ns = ns.parent;
  return ns.fullName.replace(/^\./, '');
}

/**
 * Every package's transitive dependencies (packages whose types its fields and methods name), so the client can load
 * only what a service or an Any type needs instead of all of it at start-up (see src/grpc/loader.ts).
 */
function packageDependencies() {
  const direct = new Map();
  const visit = (ns) => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type || obj instanceof protobuf.Service || obj instanceof protobuf.Enum) {
        const pkg = packageOf(obj);
        if (!direct.has(pkg)) direct.set(pkg, new Set());
        const uses = (t) => { if (t) direct.get(pkg).add(packageOf(t)); };
        if (obj instanceof protobuf.Type) for (const f of obj.fieldsArray) uses(f.resolvedType);
        if (obj instanceof protobuf.Service) for (const m of obj.methodsArray) { uses(m.resolvedRequestType); uses(m.resolvedResponseType); }
      }
      if (obj instanceof protobuf.Namespace) visit(obj);
    }
  };
  visit(root);
  const closure = {};
  for (const pkg of [...direct.keys()].sort()) {
    const seen = new Set([pkg]);
    const todo = [pkg];
    while (todo.length) for (const d of direct.get(todo.pop()) ?? []) if (!seen.has(d)) { seen.add(d); todo.push(d); }
    closure[pkg] = [...seen].sort();
  }
  return closure;
}

/** Writes `text` to `file` unless it already holds it (watchers and incremental builds stay quiet); says which. */
function writeIfChanged(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  let previous = '';
  try {
    previous = readFileSync(file, 'utf8');
  } catch {
    // first build
  }
  if (previous !== text) writeFileSync(file, text);
  return previous === text ? ' (unchanged)' : '';
}

const json = `${JSON.stringify(root.toJSON({ keepComments: false }), null, 1)}\n`;
const depsFile = join(dirname(outFile), 'package-deps.json');
const deps = `${JSON.stringify(packageDependencies(), null, 1)}\n`;
console.log(`protos: ${files.length} files -> ${relative(process.cwd(), outFile)}${writeIfChanged(outFile, json)}, ${relative(process.cwd(), depsFile)}${writeIfChanged(depsFile, deps)}`);
