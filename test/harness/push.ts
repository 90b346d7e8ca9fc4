// Pushes images built by image-builder to a test registry over plain HTTP (OCI distribution spec:
// HEAD to skip existing blobs, monolithic POST+PUT uploads, manifests PUT with their media type).
import { Descriptor } from '../../packages/containerd-client/src/oci/image-types';
import { OciImage } from './image-builder';
import { isImageIndex, LayoutItem, topDescriptor } from './oci-layout';

export interface PushOptions {
  /** Basic auth for registries started with htpasswd. */
  auth?: { username: string; password: string };
}

/** Throws unless host (`name:port`) is a loopback address: tests never reach anything else. */
export function assertLoopbackHost(host: string): void {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  if (!(name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name))) {
    throw new Error(`refusing to push to non-loopback host ${host}`);
  }
}

class Pusher {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(host: string, private readonly repo: string, opts: PushOptions) {
    assertLoopbackHost(host);
    this.base = `http://${host}`;
    this.headers = opts.auth
      ? { Authorization: `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` }
      : {};
  }

  private async request(method: string, url: string, body?: Buffer, contentType?: string): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers };
    if (contentType) headers['Content-Type'] = contentType;
    return fetch(url, { method, headers, body, redirect: 'manual' });
  }

  private async fail(what: string, res: Response): Promise<never> {
    throw new Error(`${what}: HTTP ${res.status} ${await res.text().catch(() => '')}`);
  }

  async blob(digest: string, data: Buffer): Promise<void> {
    const head = await this.request('HEAD', `${this.base}/v2/${this.repo}/blobs/${digest}`);
    if (head.status === 200) return;
    const start = await this.request('POST', `${this.base}/v2/${this.repo}/blobs/uploads/`);
    if (start.status !== 202) await this.fail(`start upload of ${digest}`, start);
    await start.arrayBuffer();
    const location = new URL(start.headers.get('location') ?? '', this.base);
    assertLoopbackHost(location.host);
    location.searchParams.set('digest', digest);
    const put = await this.request('PUT', location.toString(), data, 'application/octet-stream');
    if (put.status !== 201) await this.fail(`upload of ${digest}`, put);
    await put.arrayBuffer();
  }

  async manifest(reference: string, desc: Descriptor, data: Buffer): Promise<void> {
    const put = await this.request('PUT', `${this.base}/v2/${this.repo}/manifests/${reference}`, data, desc.mediaType);
    if (put.status !== 201) await this.fail(`manifest ${reference}`, put);
    await put.arrayBuffer();
  }

  async image(image: OciImage, reference: string): Promise<void> {
    // Sequential: two concurrent uploads of one blob would race in the registry for nothing.
    for (const desc of [image.configDescriptor, ...image.layers.map((l) => l.descriptor)]) {
      await this.blob(desc.digest, blobOf(image.blobs, desc));
    }
    await this.manifest(reference, image.manifestDescriptor, blobOf(image.blobs, image.manifestDescriptor));
  }
}

function blobOf(blobs: Map<string, Buffer>, desc: Descriptor): Buffer {
  const data = blobs.get(desc.digest);
  if (!data) throw new Error(`blob ${desc.digest} missing from the image`);
  return data;
}

/**
 * Pushes an image (or an index with all its images) as `<registryHost>/<repo>:<tagOrDigest>`
 * (a digest reference must be the top manifest's digest). Returns the top descriptor.
 */
export async function pushImage(registryHost: string, repo: string, tagOrDigest: string, layout: LayoutItem, opts: PushOptions = {}): Promise<Descriptor> {
  const pusher = new Pusher(registryHost, repo, opts);
  const top = topDescriptor(layout);
  if (isImageIndex(layout)) {
    for (const { image } of layout.images) await pusher.image(image, image.manifestDescriptor.digest);
    await pusher.manifest(tagOrDigest, top, blobOf(layout.blobs, top));
  } else {
    await pusher.image(layout, tagOrDigest);
  }
  return top;
}
