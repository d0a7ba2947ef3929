// etcd's answers that the store turns into its own errors. etcd reports both with gRPC status
// OUT_OF_RANGE and tells them apart only by message (etcd's rpctypes).
import * as grpc from '@grpc/grpc-js';

export function errorText(e: unknown): string {
  const se = e as Partial<grpc.ServiceError>;
  return se.details ?? (e instanceof Error ? e.message : String(e));
}

const outOfRange = (e: unknown, text: string): boolean =>
  (e as Partial<grpc.ServiceError>).code === grpc.status.OUT_OF_RANGE && errorText(e).includes(text);

/** A read at (or a compaction to) a revision older than etcd's compacted revision. */
export const isCompactedError = (e: unknown): boolean => outOfRange(e, 'required revision has been compacted');

/** A read at a revision etcd has not reached. */
export const isFutureError = (e: unknown): boolean => outOfRange(e, 'required revision is a future revision');
