// Typed errors for everything the client layer reports. Callers switch on the class (or `code`), never on message text.
import { status as GrpcStatus } from '@grpc/grpc-js';

export type ContainerdErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'Unavailable'
  | 'PermissionDenied'
  | 'Cancelled'
  | 'DeadlineExceeded'
  | 'ResourceExhausted'
  | 'Unimplemented'
  | 'Unknown';

export class ContainerdError extends Error {
  readonly code: ContainerdErrorCode = 'Unknown';
  /** The gRPC status code when the error came from containerd, undefined for client-side failures. */
  readonly grpcCode?: number;
  constructor(message: string, options?: { cause?: unknown; grpcCode?: number }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.grpcCode = options?.grpcCode;
  }
}

export class NotFoundError extends ContainerdError { override readonly code = 'NotFound'; }
export class AlreadyExistsError extends ContainerdError { override readonly code = 'AlreadyExists'; }
export class InvalidArgumentError extends ContainerdError { override readonly code = 'InvalidArgument'; }
export class FailedPreconditionError extends ContainerdError { override readonly code = 'FailedPrecondition'; }
export class UnavailableError extends ContainerdError { override readonly code = 'Unavailable'; }
export class PermissionDeniedError extends ContainerdError { override readonly code = 'PermissionDenied'; }
export class CancelledError extends ContainerdError { override readonly code = 'Cancelled'; }
export class DeadlineExceededError extends ContainerdError { override readonly code = 'DeadlineExceeded'; }
export class ResourceExhaustedError extends ContainerdError { override readonly code = 'ResourceExhausted'; }
export class UnimplementedError extends ContainerdError { override readonly code = 'Unimplemented'; }
export class UnknownError extends ContainerdError { override readonly code = 'Unknown'; }

/** Why the socket could not be used; set on connection errors so the UI can offer the matching fix. */
export type SocketProblem = 'missing' | 'permission' | 'not-containerd' | 'not-a-socket' | 'refused';

/** containerd is not reachable at the address: carries the diagnosis and the socket path. */
export class ConnectionError extends UnavailableError {
  constructor(message: string, readonly problem: SocketProblem, readonly socketPath: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Permission denied on the socket itself (EACCES), distinct from containerd refusing an operation. */
export class SocketPermissionError extends PermissionDeniedError {
  readonly problem: SocketProblem = 'permission';
  constructor(message: string, readonly socketPath: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface GrpcLikeError { code?: unknown; details?: unknown; message?: unknown }

function isGrpcError(e: unknown): e is GrpcLikeError & Error {
  return e instanceof Error && typeof (e as GrpcLikeError).code === 'number';
}

const byStatus: Record<number, new (m: string, o?: { cause?: unknown; grpcCode?: number }) => ContainerdError> = {
  [GrpcStatus.NOT_FOUND]: NotFoundError,
  [GrpcStatus.ALREADY_EXISTS]: AlreadyExistsError,
  [GrpcStatus.INVALID_ARGUMENT]: InvalidArgumentError,
  [GrpcStatus.FAILED_PRECONDITION]: FailedPreconditionError,
  [GrpcStatus.UNAVAILABLE]: UnavailableError,
  [GrpcStatus.PERMISSION_DENIED]: PermissionDeniedError,
  [GrpcStatus.UNAUTHENTICATED]: PermissionDeniedError,
  [GrpcStatus.CANCELLED]: CancelledError,
  [GrpcStatus.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [GrpcStatus.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [GrpcStatus.UNIMPLEMENTED]: UnimplementedError,
};

/**
 * Maps a gRPC error to the typed error, keeping containerd's own message (the `details`) and
 * prefixing what the client was doing, e.g. `containers.create "web": container "web": already exists`.
 */
export function fromGrpcError(err: unknown, operation?: string): ContainerdError {
  if (err instanceof ContainerdError) return err;
  if (!isGrpcError(err)) {
    const msg = err instanceof Error ? err.message : String(err);
    return new UnknownError(operation ? `${operation}: ${msg}` : msg, { cause: err });
  }
  const code = err.code as number;
  const details = typeof err.details === 'string' && err.details ? err.details : String(err.message);
  const Ctor = byStatus[code] ?? UnknownError;
  return new Ctor(operation ? `${operation}: ${details}` : details, { cause: err, grpcCode: code });
}

export function isNotFound(e: unknown): e is NotFoundError { return e instanceof NotFoundError; }
export function isAlreadyExists(e: unknown): e is AlreadyExistsError { return e instanceof AlreadyExistsError; }
