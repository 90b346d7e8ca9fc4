// RegistryClient: the network half of `pull` (OCI distribution API). Resolves references to descriptors,
// fetches verified manifests and blob streams. Talks to registries only, never to containerd.
import { Readable } from 'node:stream';
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { MediaType, isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { Authorizer } from './auth';
import { blobStream, openBlob } from './blob';
import type { CredentialsProvider, RegistryLogger } from './credentials';
import { ContentVerifier, digestOf, digestProblem } from './digest';
import {
  DigestMismatchError, RegistryAbortError, RegistryConfigError, RegistryError, RegistryHttpError, RegistryNotFoundError,
} from './errors';
import { type HostCapability, type HostsOptions, type RegistryHost, resolveHosts } from './hosts';
import { type ParsedReference, parseReference } from './reference';
import { Requester, statusError } from './requester';
import { type HttpResponse, Transport, discard, headerValue, readBody, readRegistryError } from './transport';

export interface RegistryClientOptions extends HostsOptions {
  /** Credentials per registry host; anonymous when absent or when it returns undefined. */
  credentials?: CredentialsProvider;
  logger?: RegistryLogger;
  userAgent?: string;
  /** Extra attempts for idempotent requests after a 5xx or a dropped connection, and blob resumes (default 3). */
  retries?: number;
  /** First back-off delay in ms, doubled per retry (default 250). */
  retryDelayMs?: number;
  /** A connection silent for this long is dropped (default 60 s). */
  idleTimeoutMs?: number;
  /** Largest manifest accepted (default 4 MiB, as containerd). */
  maxManifestSize?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface FetchBlobOptions extends RequestOptions {
  /** Start at this byte (resume); the size is still checked, the digest only when starting at 0. */
  offset?: number;
  /**
   * Default true. false skips hashing (the size is still checked) for a consumer that verifies the digest
   * itself: containerd's Content.Write does at commit, so a pull need not hash every byte twice.
   */
  verifyDigest?: boolean;
}

export interface ResolveResult {
  /** Normalised reference, e.g. `docker.io/library/redis:alpine`. */
  name: string;
  reference: ParsedReference;
  /** The manifest or index the reference points at. */
  descriptor: Descriptor;
}

interface FetchedBase {
  descriptor: Descriptor;
  /** Exact bytes as served (their digest is the descriptor's). */
  bytes: Buffer;
  mediaType: string;
}
export type FetchedManifest =
  | (FetchedBase & { kind: 'manifest'; manifest: Manifest })
  | (FetchedBase & { kind: 'index'; index: Index });

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest,
].join(', ');
const DEFAULT_MAX_MANIFEST = 4 * 1024 * 1024;
const DEFAULT_MAX_BLOB_BYTES = 16 * 1024 * 1024;

export class RegistryClient {
  private readonly transport: Transport;
  private readonly requester: Requester;
  private readonly hostCache = new Map<string, Promise<RegistryHost[]>>();
  private readonly retries: number;
  private readonly maxManifest: number;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.transport = new Transport(options.idleTimeoutMs);
    const userAgent = options.userAgent ?? 'containerd-explorer/0.1';
    this.retries = options.retries ?? 3;
    this.maxManifest = options.maxManifestSize ?? DEFAULT_MAX_MANIFEST;
    const authorizer = new Authorizer(this.transport, options.credentials, options.logger, userAgent, options.insecureRegistries);
    this.requester = new Requester(this.transport, authorizer, {
      userAgent, retries: this.retries, retryDelayMs: options.retryDelayMs ?? 250, logger: options.logger,
    });
  }

  /** Endpoints for a registry domain, mirrors first (hosts.toml is read once per client). */
  hosts(domain: string): Promise<RegistryHost[]> {
    let p = this.hostCache.get(domain);
    if (!p) {
      p = resolveHosts(domain, this.options);
      p.catch(() => this.hostCache.delete(domain));
      this.hostCache.set(domain, p);
    }
    return p;
  }

  /** Resolves a tag or digest to the descriptor of its manifest or index (HEAD first, GET when needed). */
  async resolve(reference: string | ParsedReference, opts: RequestOptions = {}): Promise<ResolveResult> {
    const ref = toRef(reference);
    const hosts = await this.hostsFor(ref, ref.digest ? ['pull'] : ['pull', 'resolve']);
    const descriptor = await this.eachHost(hosts, (host) => this.resolveOn(host, ref, opts.signal));
    return { name: ref.toString(), reference: ref, descriptor };
  }

  /** Fetches a manifest or index by descriptor, checking size and digest. */
  async fetchManifest(reference: string | ParsedReference, desc: Descriptor, opts: RequestOptions = {}): Promise<FetchedManifest> {
    const ref = toRef(reference);
    checkDescriptor(desc);
    if (desc.size > this.maxManifest) {
      throw new RegistryHttpError(ref.domain, 0, undefined, `refusing ${desc.size}-byte manifest ${desc.digest} (limit ${this.maxManifest})`);
    }
    const hosts = await this.hostsFor(ref, ['pull']);
    return this.eachHost(hosts, async (host) => {
      const accept = [...new Set([desc.mediaType, ...MANIFEST_ACCEPT.split(', ')])].join(', ');
      const res = await this.requester.send(host, ref, { method: 'GET', suffix: `manifests/${desc.digest}`, headers: { accept }, signal: opts.signal });
      if (res.status !== 200) throw await this.manifestError(res, host, `${ref.name}@${desc.digest}`);
      const bytes = await readBody(res, desc.size + 1, opts.signal).catch((e: unknown) => {
        throw e instanceof RegistryHttpError ? new DigestMismatchError(`manifest ${ref.name}@${desc.digest}`, desc, { size: desc.size + 1 }) : e;
      });
      const verifier = new ContentVerifier(`manifest ${ref.name}@${desc.digest}`, desc);
      verifier.update(bytes);
      verifier.finish();
      return parseManifest(bytes, desc, headerValue(res.headers, 'content-type'), host.host);
    });
  }

  /**
   * Opens a blob as a byte stream (a Readable, so also AsyncIterable<Buffer>). Resolves once the registry
   * has answered, so not-found and auth errors reject here; later errors (dropped connection beyond the
   * retry budget, DigestMismatchError at the end) are stream errors.
   */
  async fetchBlob(reference: string | ParsedReference, desc: Descriptor, opts: FetchBlobOptions = {}): Promise<Readable> {
    const ref = toRef(reference);
    checkDescriptor(desc);
    const offset = opts.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > desc.size) {
      throw new RangeError(`offset ${offset} is outside blob ${desc.digest} of ${desc.size} bytes`);
    }
    if (opts.signal?.aborted) throw new RegistryAbortError({ cause: opts.signal.reason });
    if (offset === desc.size && offset > 0) return Readable.from([]);
    const hosts = await this.hostsFor(ref, ['pull']);
    const first = await openBlob(this.requester, hosts, ref, desc, offset, opts.signal);
    return blobStream(first, { requester: this.requester, ref, desc, offset, resumes: this.retries, signal: opts.signal, verifyDigest: opts.verifyDigest });
  }

  /** A whole small blob (an image config) in memory, verified. */
  async fetchBlobBytes(reference: string | ParsedReference, desc: Descriptor, opts: RequestOptions & { maxSize?: number } = {}): Promise<Buffer> {
    const max = opts.maxSize ?? DEFAULT_MAX_BLOB_BYTES;
    if (desc.size > max) throw new RangeError(`blob ${desc.digest} is ${desc.size} bytes, more than the ${max} allowed here`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.fetchBlob(reference, desc, opts)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Releases pooled connections. */
  close(): void {
    this.transport.close();
  }

  private async hostsFor(ref: ParsedReference, caps: HostCapability[]): Promise<RegistryHost[]> {
    const all = await this.hosts(ref.domain);
    const hosts = all.filter((h) => caps.every((c) => h.capabilities.includes(c)));
    if (hosts.length === 0) throw new RegistryConfigError(`no host configured for ${ref.domain} can ${caps.join(' and ')} (check hosts.toml)`);
    return hosts;
  }

  /** Tries each endpoint in order; the last endpoint's error (the upstream, after mirrors) is the one reported. */
  private async eachHost<T>(hosts: RegistryHost[], fn: (host: RegistryHost) => Promise<T>): Promise<T> {
    let lastErr: unknown;
    for (const host of hosts) {
      try {
        return await fn(host);
      } catch (err) {
        if (err instanceof RegistryAbortError || !(err instanceof RegistryError)) throw err;
        this.options.logger?.debug(`registry: ${host.host}: ${err.message}`);
        lastErr = err;
      }
    }
    throw lastErr;
  }

  private async resolveOn(host: RegistryHost, ref: ParsedReference, signal?: AbortSignal): Promise<Descriptor> {
    const suffix = `manifests/${ref.object}`;
    const head = await this.requester.send(host, ref, { method: 'HEAD', suffix, headers: { accept: MANIFEST_ACCEPT }, signal });
    discard(head);
    if (head.status === 200) {
      const digest = ref.digest ?? headerValue(head.headers, 'docker-content-digest');
      const size = Number(headerValue(head.headers, 'content-length') ?? NaN);
      const mediaType = contentType(headerValue(head.headers, 'content-type'));
      if (digest && !digestProblem(digest) && Number.isInteger(size) && size > 0 && mediaType && isKnownManifestType(mediaType)) {
        if (size > this.maxManifest) throw new RegistryHttpError(host.host, 200, undefined, `refusing ${size}-byte manifest for ${ref}`);
        return { mediaType, digest, size };
      }
    }
    // No usable HEAD answer (or 404, whose body says whether the repository or the tag is missing): GET it.
    const res = await this.requester.send(host, ref, { method: 'GET', suffix, headers: { accept: MANIFEST_ACCEPT }, signal });
    if (res.status !== 200) {
      const err = await this.manifestError(res, host, ref.toString());
      if (err instanceof RegistryNotFoundError && err.what === 'manifest' && !ref.digest && await this.repositoryMissing(host, ref, signal)) {
        throw new RegistryNotFoundError(ref.toString(), 'repository', host.host);
      }
      throw err;
    }
    const bytes = await readBody(res, this.maxManifest, signal);
    const digest = digestOf(bytes, ref.digest ?? 'sha256:');
    if (ref.digest && digest !== ref.digest) {
      throw new DigestMismatchError(`manifest ${ref}`, { digest: ref.digest, size: bytes.length }, { digest, size: bytes.length });
    }
    const parsed = parseManifest(bytes, { mediaType: '', digest, size: bytes.length }, headerValue(res.headers, 'content-type'), host.host);
    return { mediaType: parsed.mediaType, digest, size: bytes.length };
  }

  /** distribution answers MANIFEST_UNKNOWN for a missing repository too; its tag list says NAME_UNKNOWN. */
  private async repositoryMissing(host: RegistryHost, ref: ParsedReference, signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.requester.send(host, ref, { method: 'GET', suffix: 'tags/list?n=1', signal });
      if (res.status !== 404) {
        discard(res);
        return false;
      }
      return (await readRegistryError(res)).code === 'NAME_UNKNOWN';
    } catch (err) {
      if (err instanceof RegistryAbortError) throw err;
      return false;
    }
  }

  private async manifestError(res: HttpResponse, host: RegistryHost, what: string): Promise<RegistryError> {
    if (res.status === 404) {
      const err = await readRegistryError(res);
      const kind = err.code === 'NAME_UNKNOWN' ? 'repository' : 'manifest';
      return new RegistryNotFoundError(what, kind, host.host, err.message);
    }
    return statusError(res, host.host);
  }
}

function toRef(reference: string | ParsedReference): ParsedReference {
  return typeof reference === 'string' ? parseReference(reference) : reference;
}

function checkDescriptor(desc: Descriptor): void {
  const problem = digestProblem(desc.digest);
  if (problem) throw new RangeError(`descriptor: ${problem}`);
  if (!Number.isInteger(desc.size) || desc.size < 0) throw new RangeError(`descriptor ${desc.digest}: invalid size ${desc.size}`);
}

function contentType(v: string | undefined): string | undefined {
  return v?.split(';')[0].trim().toLowerCase() || undefined;
}

function isKnownManifestType(mt: string): boolean {
  return isManifestMediaType(mt) || isIndexMediaType(mt);
}

/** Parses manifest bytes; the media type comes from the descriptor, else Content-Type, else the JSON itself. */
function parseManifest(bytes: Buffer, desc: Descriptor, header: string | undefined, host: string): FetchedManifest {
  let doc: Omit<Partial<Manifest & Index>, 'schemaVersion'> & { schemaVersion?: number };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new RegistryHttpError(host, 200, undefined, `manifest ${desc.digest} is not valid JSON`);
  }
  const candidates = [desc.mediaType, contentType(header), doc.mediaType];
  let mediaType = candidates.find((m): m is string => !!m && isKnownManifestType(m));
  if (doc.schemaVersion === 1 || candidates.some((m) => m?.startsWith('application/vnd.docker.distribution.manifest.v1'))) {
    throw new RegistryHttpError(host, 200, undefined, `manifest ${desc.digest} is Docker schema 1, which is not supported`);
  }
  mediaType ??= Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  const base = { descriptor: { ...desc, mediaType: desc.mediaType || mediaType }, bytes, mediaType };
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new RegistryHttpError(host, 200, undefined, `index ${desc.digest} has no manifests`);
    return { ...base, kind: 'index', index: doc as Index };
  }
  if (!doc.config || !Array.isArray(doc.layers)) throw new RegistryHttpError(host, 200, undefined, `manifest ${desc.digest} has no config or layers`);
  return { ...base, kind: 'manifest', manifest: doc as Manifest };
}
