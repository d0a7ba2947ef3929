// Public surface of the resource table: built-in definitions, the run-time registry, field
// selectors and Table printers.
export { BUILTIN_RESOURCES } from './builtin.js';
export { ResourceRegistry, compareVersionPriority } from './registry.js';
export type { ApiGroupVersions, RegistryChange, RegistryListener } from './registry.js';
export { fieldGettersFor, kindFieldSelectors, customResourceFieldGetters } from './field-selectors.js';
export type { FieldGetters } from './field-selectors.js';
export { compileJsonPath, jsonPathText, JsonPathError } from './jsonpath.js';
export type { JsonPath } from './jsonpath.js';
export { tableFor, builtinTables } from './printers/table-for.js';
export { customResourceTable, defaultTable } from './printers/custom.js';
export type { PrinterColumn } from './printers/custom.js';
export { humanDuration } from './printers/duration.js';
export { summarizePod } from './printers/pod.js';
export type { PodSummary } from './printers/pod.js';
