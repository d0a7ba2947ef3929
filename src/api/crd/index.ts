export type {
  CustomResourceDefinition, CRDSpec, CRDNames, CRDVersion, CRDStatus, CRDCondition, CRDColumn, CRDSubresources, CRDScale, Schema,
} from './types.js';
export { versionSchema } from './types.js';
export { defaultCRD, validateCRD, validateCRDUpdate, prepareCRDStatus, storageVersionOf } from './validate-crd.js';
export { validateAgainstSchema } from './structural-schema.js';
export { validateListTypes } from './list-type.js';
export { pruneBySchema, unknownFieldMessage } from './prune.js';
export { applySchemaDefaults } from './defaults.js';
export type { PrinterColumn } from './resource-def.js';
export { resourceDefsForCRD, printerColumnsFor, servedVersionsByPriority } from './resource-def.js';
export { compareKubeVersions, sortKubeVersions } from '../../machinery/versions.js';
export type { CRDOpenAPI } from './openapi.js';
export { openapiSchemasForCRD, openapiResourcesForCRD, definitionName } from './openapi.js';
