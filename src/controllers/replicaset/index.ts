// The ReplicaSet controller (kube's "replicaset"), and the pieces the Deployment controller shares.
export { replicaSetController, replicaSetControllerWith, ORPHAN_PODS_INDEX, type ReplicaSetControllerOptions } from './controller.js';
export { claimObjects, claimBySelector, adoptPatch, releasePatch, checkStillAdoptable, type ClaimOptions } from './claim.js';
export { keyOf, resolveOwner, ownersSelecting } from './wiring.js';
export { isPodActive, isPodReady, isPodAvailable } from './pods.js';
export { podsToDelete, POD_DELETION_COST } from './ranking.js';
export { RS_API_VERSION, RS_KIND, specReplicas, type ReplicaSet, type ReplicaSetSpec, type ReplicaSetStatus, type ReplicaSetCondition, type Pod, type PodTemplateSpec } from './types.js';
