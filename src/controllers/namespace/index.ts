// The namespace controller: deleting a namespace deletes everything in it, then the namespace.
export { namespaceController, namespaceControllerWith, FINALIZER_KUBERNETES, type NamespaceControllerOptions } from './controller.js';
export { CONDITION_TYPES, updatedConditions, type NamespaceCondition, type DeletionOutcome } from './conditions.js';
