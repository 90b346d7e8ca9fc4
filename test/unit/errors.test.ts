// Error mapping: every gRPC status to its typed error, containerd's message kept, the operation prefixed.
import * as assert from 'assert';
import { Metadata, status } from '@grpc/grpc-js';
import {
  AlreadyExistsError, CancelledError, ConnectionError, ContainerdError, DeadlineExceededError, FailedPreconditionError,
  fromGrpcError, InvalidArgumentError, isAlreadyExists, isNotFound, NotFoundError, PermissionDeniedError,
  ResourceExhaustedError, SocketPermissionError, UnavailableError, UnimplementedError, UnknownError,
} from '../../packages/containerd-client/src/errors';

type ErrorClass = abstract new (...args: never[]) => ContainerdError;

/** What grpc-js hands a callback: an Error with code, details and metadata (see callErrorFromStatus). */
function grpcError(code: number, details: string): Error & { code: number; details: string; metadata: Metadata } {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

const CASES: Array<[number, ErrorClass, string]> = [
  [status.NOT_FOUND, NotFoundError, 'NotFound'],
  [status.ALREADY_EXISTS, AlreadyExistsError, 'AlreadyExists'],
  [status.INVALID_ARGUMENT, InvalidArgumentError, 'InvalidArgument'],
  [status.FAILED_PRECONDITION, FailedPreconditionError, 'FailedPrecondition'],
  [status.UNAVAILABLE, UnavailableError, 'Unavailable'],
  [status.PERMISSION_DENIED, PermissionDeniedError, 'PermissionDenied'],
  [status.UNAUTHENTICATED, PermissionDeniedError, 'PermissionDenied'],
  [status.CANCELLED, CancelledError, 'Cancelled'],
  [status.DEADLINE_EXCEEDED, DeadlineExceededError, 'DeadlineExceeded'],
  [status.RESOURCE_EXHAUSTED, ResourceExhaustedError, 'ResourceExhausted'],
  [status.UNIMPLEMENTED, UnimplementedError, 'Unimplemented'],
  [status.UNKNOWN, UnknownError, 'Unknown'],
  [status.INTERNAL, UnknownError, 'Unknown'],
  [status.ABORTED, UnknownError, 'Unknown'],
  [status.OUT_OF_RANGE, UnknownError, 'Unknown'],
  [status.DATA_LOSS, UnknownError, 'Unknown'],
];

describe('fromGrpcError', () => {
  for (const [code, Class, name] of CASES) {
    it(`maps ${status[code]} (${code}) to ${Class.name}`, () => {
      const raw = grpcError(code, `container "web": something ${code}`);
      const e = fromGrpcError(raw, 'containers.create "web"');
      assert.ok(e instanceof Class, `got ${e.constructor.name}`);
      assert.ok(e instanceof ContainerdError);
      assert.ok(e instanceof Error);
      assert.strictEqual(e.code, name);
      assert.strictEqual(e.grpcCode, code);
      assert.strictEqual(e.name, Class.name);
      assert.strictEqual(e.message, `containers.create "web": container "web": something ${code}`);
      assert.strictEqual(e.cause, raw);
    });
  }

  it('maps the classes to distinct codes (no class shadows another)', () => {
    const codes = new Set(CASES.filter(([c]) => c !== status.UNAUTHENTICATED && fromGrpcError(grpcError(c, 'x')).code !== 'Unknown')
      .map(([c]) => fromGrpcError(grpcError(c, 'x')).code));
    assert.strictEqual(codes.size, 10);
  });

  it('keeps the message alone without an operation', () => {
    const e = fromGrpcError(grpcError(status.NOT_FOUND, 'image "x": not found'));
    assert.strictEqual(e.message, 'image "x": not found');
  });

  it('falls back to the message when details are empty', () => {
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: status.UNAVAILABLE, details: '' });
    const e = fromGrpcError(raw, 'version');
    assert.ok(e instanceof UnavailableError);
    assert.strictEqual(e.message, 'version: 14 UNAVAILABLE: No connection established');
  });

  it('wraps a non-gRPC error as UnknownError without a grpcCode', () => {
    const raw = new TypeError('boom');
    const e = fromGrpcError(raw, 'content.write');
    assert.ok(e instanceof UnknownError);
    assert.strictEqual(e.message, 'content.write: boom');
    assert.strictEqual(e.grpcCode, undefined);
    assert.strictEqual(e.cause, raw);
    assert.strictEqual(fromGrpcError('plain string').message, 'plain string');
  });

  it('passes typed errors through unchanged', () => {
    const e = new NotFoundError('already typed');
    assert.strictEqual(fromGrpcError(e, 'op'), e);
    assert.strictEqual(e.message, 'already typed');
  });

  it('treats an Error whose code is a string (Node errno) as unknown', () => {
    const raw = Object.assign(new Error('connect ENOENT /x'), { code: 'ENOENT' });
    assert.ok(fromGrpcError(raw) instanceof UnknownError);
  });

  it('isNotFound / isAlreadyExists narrow by class', () => {
    assert.strictEqual(isNotFound(fromGrpcError(grpcError(status.NOT_FOUND, 'x'))), true);
    assert.strictEqual(isNotFound(fromGrpcError(grpcError(status.ALREADY_EXISTS, 'x'))), false);
    assert.strictEqual(isAlreadyExists(fromGrpcError(grpcError(status.ALREADY_EXISTS, 'x'))), true);
    assert.strictEqual(isAlreadyExists(new Error('x')), false);
  });
});

describe('connection errors', () => {
  it('ConnectionError is an UnavailableError carrying the problem and socket path', () => {
    const e = new ConnectionError('no socket', 'missing', '/x.sock');
    assert.ok(e instanceof UnavailableError);
    assert.strictEqual(e.code, 'Unavailable');
    assert.strictEqual(e.problem, 'missing');
    assert.strictEqual(e.socketPath, '/x.sock');
    assert.strictEqual(e.name, 'ConnectionError');
  });

  it('SocketPermissionError is a PermissionDeniedError with problem "permission"', () => {
    const cause = new Error('EACCES');
    const e = new SocketPermissionError('denied', '/y.sock', { cause });
    assert.ok(e instanceof PermissionDeniedError);
    assert.strictEqual(e.code, 'PermissionDenied');
    assert.strictEqual(e.problem, 'permission');
    assert.strictEqual(e.socketPath, '/y.sock');
    assert.strictEqual(e.name, 'SocketPermissionError');
    assert.strictEqual(e.cause, cause);
  });
});
