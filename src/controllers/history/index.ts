// ControllerRevisions as StatefulSets and DaemonSets keep them (kube pkg/controller/history).
export * from './types.js';
export { fnv1, fnv1a, safeEncode, goJson, hashRevisionData, controllerRevisionName, computeTemplateHash } from './hash.js';
export { templatePatch, applyRevision, revisionMatches, type TemplateOwner } from './patch.js';
export { ownerLookup, routeUpdate, type OwnerLookup, type SelectingOwner, type UpdateRouting } from './owners.js';
export { newControllerRevision, sortRevisions, nextRevision, equalRevision, findEqualRevisions, type NewRevisionOptions } from './revisions.js';
export {
  orphansByNamespace, createControllerRevision, setRevisionNumber, deleteControllerRevision, claimDependents, claimRevisions,
  type CreatedRevision, type ClaimOptions,
} from './store.js';
