// Patches as kube-apiserver applies them: JSON patch, JSON merge patch, strategic merge patch.
export type { PatchSchema, PatchSchemaDescriptor } from './types.js';
export { patchSchemaFromJson } from './types.js';
export type { JsonPatchOperation } from './json-patch.js';
export { applyJsonPatch, applyJsonPatchDetailed, JsonPatchFailure, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
