// containerd's Transfer failures (gRPC status + Go error text, as containerd 2.1 words them) become the
// client-side pull's typed errors; messages never echo the registry's text (token URLs) or credentials.
import * as assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { NotFoundError, ResourceExhaustedError, UnknownError } from '../../packages/containerd-client/src/errors';
import {
  DigestMismatchError, NoMatchingPlatformError, RegistryAuthError, RegistryNotFoundError, RegistryUnreachableError,
} from '../../packages/containerd-client/src/registry';
import { explainTransferError, type TransferErrorContext } from '../../packages/containerd-client/src/transfer/errors';
import { majorVersion } from '../../packages/containerd-client/src/transfer/capability';

function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

const ctx: TransferErrorContext = { reference: 'reg.example:5000/app/web:v1', domain: 'reg.example:5000', repository: 'app/web', credentialsGiven: false };
const resolve = (tail: string): Error => grpcError(status.UNKNOWN, `failed to resolve image: ${tail}`);

describe('Transfer errors map to the client-side pull\'s typed errors', () => {
  it('401 without credentials asks to log in; with credentials, or from the token endpoint, says rejected', () => {
    const anon = resolve('unexpected status from HEAD request to http://reg.example:5000/v2/app/web/manifests/v1: 401 Unauthorized');
    const e1 = explainTransferError(anon, ctx);
    assert.ok(e1 instanceof RegistryAuthError && e1.reason === 'required' && e1.host === 'reg.example:5000', String(e1));
    const e2 = explainTransferError(anon, { ...ctx, credentialsGiven: true });
    assert.ok(e2 instanceof RegistryAuthError && e2.reason === 'rejected');
    const token = resolve('failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://auth.example/token?scope=repository%3Aapp%2Fweb%3Apull&service=x: 401 Unauthorized');
    const e3 = explainTransferError(token, ctx);
    assert.ok(e3 instanceof RegistryAuthError && e3.reason === 'rejected');
    assert.ok(!e3.message.includes('auth.example'), 'the token URL stays out of the message');
  });

  it('403 is access denied to the repository', () => {
    const e = explainTransferError(grpcError(status.UNKNOWN, 'failed to copy: httpReadSeeker: failed open: unexpected status code https://reg.example:5000/v2/app/web/blobs/sha256:ab: 403 Forbidden'), ctx);
    assert.ok(e instanceof RegistryAuthError && e.reason === 'denied' && e.repository === 'app/web', String(e));
  });

  it('not found, as containerd says it for a missing tag or repository', () => {
    const e = explainTransferError(grpcError(status.NOT_FOUND, 'failed to resolve image: reg.example:5000/app/web:v1: not found'), ctx);
    assert.ok(e instanceof RegistryNotFoundError && e.what === 'manifest', String(e));
    assert.equal(e.message, 'manifest not found: reg.example:5000/app/web:v1 on reg.example:5000');
  });

  it('Go network errors become RegistryUnreachableError with the same wording', () => {
    const cases: Array<[string, string]> = [
      ['dial tcp 127.0.0.1:9: connect: connection refused', 'connection refused'],
      ['dial tcp: lookup reg.example on 127.0.0.53:53: no such host', 'host name not found (DNS)'],
      ['read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer', 'connection reset'],
      ['dial tcp 10.0.0.1:443: i/o timeout', 'timed out'],
      ['http: server gave HTTP response to HTTPS client', 'TLS handshake failed (is it a plain HTTP registry?)'],
    ];
    for (const [go, words] of cases) {
      const e = explainTransferError(resolve(`failed to do request: Head "https://reg.example:5000/v2/": ${go}`), ctx);
      assert.ok(e instanceof RegistryUnreachableError, `${go}: ${String(e)}`);
      assert.equal(e.message, `cannot reach registry reg.example:5000: ${words}`);
    }
    const tls = explainTransferError(resolve('tls: failed to verify certificate: x509: certificate signed by unknown authority'), ctx);
    assert.ok(tls instanceof RegistryUnreachableError && /TLS certificate not accepted.*hosts\.toml/.test(tls.message), String(tls));
  });

  it('a digest mismatch, a full disk; anything else keeps its gRPC class; our own registry errors pass through', () => {
    const want = `sha256:${'a'.repeat(64)}`;
    const got = `sha256:${'b'.repeat(64)}`;
    const d = explainTransferError(grpcError(status.FAILED_PRECONDITION, `failed commit on ref "layer-${want}": unexpected commit digest ${got}, expected ${want}: failed precondition`), ctx);
    assert.ok(d instanceof DigestMismatchError, String(d));
    assert.equal(d.message, `digest mismatch for blob reg.example:5000/app/web@${want}: expected ${want}, got ${got}`);
    const full = explainTransferError(grpcError(status.UNKNOWN, 'failed to copy: write /var/lib/containerd/x: no space left on device'), ctx);
    assert.ok(full instanceof ResourceExhaustedError);
    const other = explainTransferError(grpcError(status.NOT_FOUND, 'snapshotter not loaded: zfs: not found'), ctx);
    assert.ok(other instanceof NotFoundError && !(other instanceof RegistryNotFoundError) && other.message === `pull of ${ctx.reference}: snapshotter not loaded: zfs: not found`);
    assert.ok(explainTransferError(new Error('boom'), ctx) instanceof UnknownError);
    const ours = new NoMatchingPlatformError('linux/amd64', ['linux/arm64']);
    assert.equal(explainTransferError(ours, ctx), ours);
  });

  it('reads the major version of containerd version strings', () => {
    assert.deepEqual(['2.1.9+unknown', 'v1.7.24', '1.6.20~ds1', 'dev'].map(majorVersion), [2, 1, 1, NaN]);
  });
});
