// The sim node runtime: hollow nodes for scale tests and local clusters (`k8ts sim`).
export { startSimNodes, SIM_DEFAULTS } from './engine.js';
export { parseDuration, formatDuration } from './duration.js';
export { nextPodAction, podStages, type PodAction, type PodRecord, type Stage, type StageContext } from './pod-stages.js';
export { SIM_KUBELET_VERSION, SIM_RUNTIME_VERSION, SIM_NODE_ANNOTATION } from './node-object.js';
export * from './types.js';
