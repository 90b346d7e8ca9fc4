// The loader builds a service's or an Any type's proto package with only the packages it depends on: every
// package's subset must resolve on its own (a missing dependency would fail only when that service is first
// used), every service we call must come out as a client constructor, and a subset must hold no package it
// was not asked for.
import * as assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import descriptor from '../../packages/containerd-client/src/generated/containerd.json';
import packageDeps from '../../packages/containerd-client/src/generated/package-deps.json';
import { descriptorSubset, lookupProtoType, packageOfName, serviceCtor } from '../../packages/containerd-client/src/grpc/loader';

const DEPS: Record<string, string[]> = packageDeps;

/** Full names of every type, enum and service in a descriptor JSON. */
function names(ns: protobuf.INamespace, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ns.nested ?? {})) {
    const full = prefix ? `${prefix}.${k}` : k;
    const node = v as protobuf.INamespace & { fields?: unknown; values?: unknown; methods?: unknown };
    if (node.fields || node.values || node.methods) out.push(full);
    else out.push(...names(node, full));
  }
  return out;
}

describe('proto loader: packages built on demand (unit)', () => {
  it('every package resolves from its own subset, with nothing else in it', () => {
    assert.ok(Object.keys(DEPS).length >= 15, 'package-deps.json lists the packages');
    for (const [pkg, deps] of Object.entries(DEPS)) {
      const subset = descriptorSubset(deps);
      const root = protobuf.Root.fromJSON(subset);
      assert.doesNotThrow(() => root.resolveAll(), `package ${pkg} resolves with ${deps.join(', ')}`);
      for (const n of names(subset)) assert.ok(deps.includes(packageOfName(n) ?? ''), `${n} in the subset of ${pkg}`);
    }
  });

  it('the subsets together hold every type of the whole descriptor', () => {
    const all = names(descriptor as protobuf.INamespace);
    const covered = new Set(Object.values(DEPS).flatMap((d) => names(descriptorSubset(d))));
    assert.deepEqual(all.filter((n) => !covered.has(n)), []);
  });

  it('gives a client constructor for every service in the protos', () => {
    const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
    const services = names(descriptor as protobuf.INamespace).filter((n) => root.lookup(n) instanceof protobuf.Service);
    assert.ok(services.includes('containerd.services.tasks.v1.Tasks') && services.includes('containerd.services.transfer.v1.Transfer'));
    for (const s of services) {
      const Ctor = serviceCtor(s);
      assert.equal(typeof Ctor, 'function', s);
      assert.ok(Object.keys(Ctor.service).length > 0, `${s} has methods`);
    }
  });

  it('encodes and decodes an Any type whose fields name other packages', () => {
    const type = lookupProtoType('containerd.events.TaskCreate');
    const msg = type.fromObject({ container_id: 'c1', rootfs: [{ type: 'overlay', source: 'overlay', options: ['ro'] }], pid: 42 });
    const back = type.toObject(type.decode(type.encode(msg).finish())) as { container_id: string; rootfs: { options: string[] }[]; pid: number };
    assert.equal(back.container_id, 'c1');
    assert.deepEqual(back.rootfs[0].options, ['ro']);
    assert.equal(back.pid, 42);
    assert.throws(() => lookupProtoType('example.Nope'), /missing from the compiled protos/);
  });
});
