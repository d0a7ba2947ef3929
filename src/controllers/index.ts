// The controllers k8ts runs, by the names kube-controller-manager gives them (--disable-controllers).
import type { ControllerFactory } from './runtime/index.js';
import { nodeLifecycleController, podGcController } from './nodelifecycle/index.js';
import { nodeIpamController } from './nodeipam/index.js';
import { jobController, ttlAfterFinishedController } from './job/index.js';
import { cronJobController } from './cronjob/index.js';
import { replicaSetController } from './replicaset/index.js';
import { deploymentController } from './deployment/index.js';
import { statefulSetController } from './statefulset/index.js';
import { daemonSetController } from './daemonset/index.js';
import { garbageCollectorController } from './garbagecollector/index.js';
import { namespaceController } from './namespace/index.js';
import { endpointsController } from './endpoints/index.js';
import { endpointSliceController } from './endpointslice/index.js';
import { serviceAccountController } from './serviceaccount/index.js';
import { disruptionController } from './disruption/index.js';
import { csrApprovingController, csrSigningController } from './certificates/index.js';
import { bootstrapSignerController, tokenCleanerController } from './bootstrap/index.js';

export { startManager, type ManagerOptions, type RunningManager } from './manager.js';
export * from './runtime/index.js';

export const CONTROLLERS: Readonly<Record<string, ControllerFactory>> = Object.freeze({
  deployment: deploymentController,
  replicaset: replicaSetController,
  statefulset: statefulSetController,
  daemonset: daemonSetController,
  garbagecollector: garbageCollectorController,
  namespace: namespaceController,
  endpoints: endpointsController,
  endpointslice: endpointSliceController,
  serviceaccount: serviceAccountController,
  disruption: disruptionController,
  job: jobController,
  cronjob: cronJobController,
  'ttl-after-finished': ttlAfterFinishedController,
  nodeipam: nodeIpamController,
  nodelifecycle: nodeLifecycleController,
  podgc: podGcController,
  csrapproving: csrApprovingController,
  csrsigning: csrSigningController,
  bootstrapsigner: bootstrapSignerController,
  tokencleaner: tokenCleanerController,
});
