// Bootstrap tokens on the controller side: cluster-info with its per-token signatures, and
// deletion of expired tokens (kube-controller-manager's bootstrapsigner and tokencleaner).
export { bootstrapSignerController, clusterInfoData } from './signer.js';
export { tokenCleanerController } from './tokencleaner.js';
