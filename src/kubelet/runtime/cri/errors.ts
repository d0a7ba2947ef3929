// Errors from CRI calls: one class carrying the gRPC status, so callers can tell a missing
// container (NOT_FOUND) from a runtime that is down (UNAVAILABLE) or an RPC the runtime lacks
// (UNIMPLEMENTED).
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/** gRPC status names by number (0 OK … 16 UNAUTHENTICATED). */
export type GrpcCodeName =
  | 'OK' | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED' | 'NOT_FOUND'
  | 'ALREADY_EXISTS' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION' | 'ABORTED'
  | 'OUT_OF_RANGE' | 'UNIMPLEMENTED' | 'INTERNAL' | 'UNAVAILABLE' | 'DATA_LOSS' | 'UNAUTHENTICATED';

export function grpcCodeName(code: number): GrpcCodeName {
  const name = (GrpcStatus as unknown as Record<number, string | undefined>)[code];
  return (name ?? 'UNKNOWN') as GrpcCodeName;
}

/** A CRI call that failed. message = "RPC: CODE: details". */
export class CriError extends Error {
  override readonly name = 'CriError';
  /** The gRPC status number (5 = NOT_FOUND, 12 = UNIMPLEMENTED, 14 = UNAVAILABLE, …). */
  readonly code: number;
  /** The gRPC status name, e.g. 'NOT_FOUND'. */
  readonly grpcCode: GrpcCodeName;
  /** The runtime's own message (e.g. 'an error occurred when try to find container "x": not found'). */
  readonly details: string;
  /** The RPC that failed, e.g. 'ContainerStatus'. */
  readonly rpc: string;

  constructor(rpc: string, code: number, details: string, options?: { cause?: unknown }) {
    const grpcCode = grpcCodeName(code);
    super(`${rpc}: ${grpcCode}: ${details}`, options);
    this.rpc = rpc;
    this.code = code;
    this.grpcCode = grpcCode;
    this.details = details;
  }

  static fromServiceError(rpc: string, e: unknown): CriError {
    if (e instanceof CriError) return e;
    const se = e as Partial<ServiceError> | undefined;
    if (se && typeof se.code === 'number') return new CriError(rpc, se.code, se.details ?? se.message ?? '', { cause: e });
    return new CriError(rpc, GrpcStatus.UNKNOWN, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

export const isCriError = (e: unknown): e is CriError => e instanceof CriError;
export const isNotFound = (e: unknown): boolean => isCriError(e) && e.code === GrpcStatus.NOT_FOUND;
export const isUnimplemented = (e: unknown): boolean => isCriError(e) && e.code === GrpcStatus.UNIMPLEMENTED;
/** The runtime is not answering (socket missing, connection refused, restarting). */
export const isUnavailable = (e: unknown): boolean => isCriError(e) && e.code === GrpcStatus.UNAVAILABLE;
export const isDeadlineExceeded = (e: unknown): boolean => isCriError(e) && e.code === GrpcStatus.DEADLINE_EXCEEDED;
