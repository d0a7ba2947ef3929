// The Deployment controller (kube's "deployment").
export { deploymentController, deploymentControllerWith, ORPHAN_REPLICASETS_INDEX, type DeploymentControllerOptions } from './controller.js';
export { computeHash } from './hash.js';
export {
  POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, CHANGE_CAUSE, Reason,
  type Deployment, type DeploymentSpec, type DeploymentStatus, type DeploymentCondition,
} from './types.js';
