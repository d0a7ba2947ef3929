// Node lifecycle: node health from Lease heartbeats, not-ready/unreachable taints, taint-based
// eviction, and the pod garbage collector that cleans up after dead and deleted nodes.
export { nodeLifecycleController, DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS, DEFAULT_NODE_MONITOR_PERIOD_MS } from './controller.js';
export { podGcController, podGcControllerWith, type PodGcOptions } from './podgc.js';
export { toleratesTaint, matchingTolerations, minTolerationMs } from './tolerations.js';
export * from './types.js';
