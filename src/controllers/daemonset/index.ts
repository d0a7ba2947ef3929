// The DaemonSet controller (kube's "daemonset"): one pod per eligible node, following nodes as they
// join, change and leave; rolling updates with maxUnavailable / maxSurge; ControllerRevisions.
export { daemonSetController, daemonSetControllerWith, type DaemonSetControllerOptions } from './controller.js';
export { nodeShouldRunDaemonPod, daemonPodTolerations, type NodeVerdict } from './eligibility.js';
export { REVISION_HASH_LABEL, type DaemonSet, type DaemonSetSpec, type DaemonSetStatus } from './types.js';
