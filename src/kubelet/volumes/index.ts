// The kubelet's volume manager: a pod's volumes on the node, and the CRI mounts of its containers.
export { VolumeManager } from './manager.js';
export { VolumeError, type VolumeErrorReason } from './errors.js';
export { writeAtomic, type Payload, type FileProjection } from './atomic-writer.js';
export { expandSubPathExpr } from './container-mounts.js';
export { formatMap, volumeFieldValue } from './downward.js';
export type * from './types.js';
