// `containerd.io/distribution.source.<host>`: which repositories of a registry a blob came from, written as
// containerd's own pull writes it (remotes/docker AppendDistributionSourceLabel): the host without its port,
// the value every repository seen so far, sorted and deduplicated, comma-separated.
import type { ContainerdClient } from '../client';
import { NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { LABEL_DISTRIBUTION_SOURCE } from './gc-labels';

/** containerd's labels.Validate: key and value together at most 4096 bytes. */
const MAX_LABEL_BYTES = 4096;

/** A registry host as Go's url.Hostname() gives it: no port, IPv6 without brackets. */
export function hostWithoutPort(domain: string): string {
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    return end > 0 ? domain.slice(1, end) : domain;
  }
  const colon = domain.indexOf(':');
  return colon >= 0 ? domain.slice(0, colon) : domain;
}

export function distributionSourceKey(domain: string): string {
  return `${LABEL_DISTRIBUTION_SOURCE}.${hostWithoutPort(domain)}`;
}

/** Byte order, as Go compares strings (a label read back may hold anything). */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** containerd's appendDistributionSourceLabel: `origin`'s repositories plus `repo`, sorted, unique, no empties. */
export function appendRepository(origin: string, repo: string): string {
  const repos = new Set(origin === '' ? [] : origin.split(','));
  repos.add(repo);
  repos.delete('');
  return [...repos].sort(byteOrder).join(',');
}

export interface DistributionSource {
  key: string;
  repo: string;
}

export function distributionSource(domain: string, repository: string): DistributionSource {
  return { key: distributionSourceKey(domain), repo: repository };
}

/** The label a blob stored for the first time gets (nothing to merge with). */
export function distributionSourceLabel(domain: string, repository: string): Record<string, string> {
  const s = distributionSource(domain, repository);
  return { [s.key]: s.repo };
}

/** The blob's current value of the label before a pull touches it ('' without one), or undefined if no blob yet. */
export async function priorSource(client: ContainerdClient, digest: string, source: DistributionSource, opts?: CallOptions): Promise<string | undefined> {
  try {
    return (await client.content.info(digest, opts)).labels[source.key] ?? '';
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * After the blob is stored: the repositories it had before this pull plus this one. A blob new to the store got
 * `repo` with its commit already. A value containerd would refuse (over 4096 bytes) keeps the old one, as there.
 */
export async function recordSource(client: ContainerdClient, digest: string, source: DistributionSource, prior: string | undefined, opts?: CallOptions): Promise<void> {
  if (prior === undefined) return;
  const merged = appendRepository(prior, source.repo);
  const value = Buffer.byteLength(source.key) + Buffer.byteLength(merged) > MAX_LABEL_BYTES ? prior : merged;
  if (value === '') return;
  await client.content.updateLabels(digest, { [source.key]: value }, opts);
}
