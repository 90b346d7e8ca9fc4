// Shared by the protos tests: walks a protobufjs tree and compares our definitions with upstream ones, wire
// shape only (field numbers, labels, map keys, resolved type names, enum values, rpc signatures).
import { Enum, MapField, Namespace, ReflectionObject, Root, Service, Type } from 'protobufjs';

export function walk(ns: Namespace, visit: (obj: ReflectionObject) => void): void {
  for (const obj of ns.nestedArray) {
    visit(obj);
    if (obj instanceof Namespace) walk(obj, visit);
  }
}

/** A field's wire shape in one comparable line: number, label, map key and the resolved type name. */
export function fieldShape(type: Type, name: string): string {
  const f = type.fields[name];
  const typeName = f.resolvedType ? f.resolvedType.fullName : f.type;
  const key = f instanceof MapField ? `map<${f.keyType}> ` : '';
  return `${f.id} ${f.repeated ? 'repeated ' : ''}${key}${typeName}${f.packed && f.repeated ? ' packed' : ''}`;
}

export function compareType(ours: Type, ref: Type, problems: string[]): void {
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

export function compareEnum(ours: Enum, ref: Enum, problems: string[]): void {
  const show = (e: Enum): string => JSON.stringify(Object.entries(e.values).sort(([a], [b]) => a.localeCompare(b)));
  if (show(ours) !== show(ref)) problems.push(`${ours.fullName}: values ${show(ours)} upstream ${show(ref)}`);
}

export function compareService(ours: Service, ref: Service, problems: string[]): void {
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

/** Compares each message, enum and service of ours that `include` selects with upstream's of the same name. */
export function compareDefinitions(ours: Root, ref: Root, include: (fullName: string) => boolean): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  walk(ours, (obj) => {
    if (!(obj instanceof Type || obj instanceof Enum || obj instanceof Service) || !include(obj.fullName)) return;
    const upstream = ref.lookup(obj.fullName);
    checked++;
    if (!upstream) problems.push(`${obj.fullName}: not upstream`);
    else if (obj instanceof Type && upstream instanceof Type) compareType(obj, upstream, problems);
    else if (obj instanceof Enum && upstream instanceof Enum) compareEnum(obj, upstream, problems);
    else if (obj instanceof Service && upstream instanceof Service) compareService(obj, upstream, problems);
    else problems.push(`${obj.fullName}: kind differs from upstream`);
  });
  return { problems, checked };
}

/** Upstream definitions declared in `files` (absolute paths as loaded) that ours lacks. */
export function missingFromOurs(ours: Root, ref: Root, files: readonly string[]): string[] {
  const referenceFiles = new Set(files);
  const missing: string[] = [];
  walk(ref, (obj) => {
    const isDefinition = obj instanceof Type || obj instanceof Enum || obj instanceof Service;
    if (isDefinition && obj.filename && referenceFiles.has(obj.filename) && !ours.lookup(obj.fullName)) missing.push(obj.fullName);
  });
  return missing;
}
