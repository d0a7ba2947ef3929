// k8ts's kube-scheduler: a queue, a cache of nodes and assumed pods, and a framework of plugins.
export { createScheduler, type SchedulerOptions, type SchedulerHandle } from './scheduler.js';
export { Framework, numFeasibleNodesToFind, type CycleOutcome, type Diagnosis } from './framework.js';
export { SchedulerCache } from './cache.js';
export { SchedulingQueue, type QueuedPod } from './queue.js';
export { fitErrorMessage } from './fit-error.js';
export { buildPodInfo } from './pod-info.js';
export { NodeInfo, nodeInfoOf } from './node-info.js';
export { defaultPlugins, defaultScoreWeights } from './plugins/index.js';
export type { Plugin, PluginStatus, PodInfo, Code } from './types.js';
