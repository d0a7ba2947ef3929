// The StatefulSet controller (kube's "statefulset"): stable pod names and storage, ordered or
// parallel pod management, rolling updates by ordinal with a partition, ControllerRevisions.
export { statefulSetController, statefulSetControllerWith, type StatefulSetControllerOptions } from './controller.js';
export { POD_NAME_LABEL, POD_INDEX_LABEL, REVISION_LABEL, type StatefulSet, type StatefulSetSpec, type StatefulSetStatus } from './types.js';
