// The CRI v1 client: the kubelet's runtime layer (containerd, CRI-O) over gRPC.
export { CriClient, CRI_API_VERSION, criTarget, type CriClientOptions } from './client.js';
export {
  CriError, grpcCodeName, isCriError, isNotFound, isUnimplemented, isUnavailable, isDeadlineExceeded,
  type GrpcCodeName,
} from './errors.js';
export { criProtoPath } from './proto.js';
export type * from './types.js';
