// The client library: every k8ts component reaches the API through this (DESIGN.md principle 1).
export * from './types.js';
export { createClient } from './http-client.js';
export { loadKubeconfig, parseKubeconfig, renderKubeconfig, type ClientConfig, type KubeconfigSpec } from './kubeconfig.js';
export { R, refForKind, apiVersionOf, resourcePath } from './resources.js';
export { createInformerFactory, SharedInformer, type InformerFactoryOptions } from './informer.js';
export { INDEX_NAMESPACE, INDEX_OWNER, INDEX_CONTROLLER, INDEX_NODE, deepFreeze } from './cache.js';
export { createWorkQueue, type WorkQueueOptions } from './workqueue.js';
export { createEventRecorder, type EventSource, type RecorderOptions } from './events.js';
export { runLeaderElection, microTime, type LeaderElectionOptions, type LeaderCallbacks } from './leader.js';

/** `namespace/name` or `name` → its parts. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
