export { loadDefinitions, loadResources } from './load.js';
export {
  definitionForGVK, definitionNameForGVK, registerExtraSchemas, unregisterExtraSchemas, onExtraSchemasChange,
} from './schemas.js';
export { pruneUnknownFields, typeErrors } from './field-check.js';
export { patchSchemaFor } from './patch-schema.js';
export {
  groupVersionPaths, openapiV2Document, openapiV2DocumentBytes, openapiV2DocumentProto, openapiV3Document, openapiV3DocumentBytes,
  openapiV3Paths,
} from './documents.js';
export { fieldTags, atomicStructs } from './patch-tags.js';
export type { FieldTags } from './patch-tags.js';
export type {
  Definitions, FieldTypeError, GroupVersionPath, OpenAPIResource, OpenAPISchema, PatchSchema, SerializedDocument,
} from './types.js';
export { encodeOpenApiV2, OPENAPI_V2_PROTOBUF } from './proto-v2.js';
