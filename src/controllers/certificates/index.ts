// CertificateSigningRequests on the controller side: auto-approval of kubelet CSRs (csrapproving)
// and signing with the cluster CA (csrsigning), as kube-controller-manager's controllers of those names.
export { csrApprovingController, autoApproval, type Approval } from './approver.js';
export { csrSigningController, signCsr, DEFAULT_SIGNING_DURATION_MS, type SignOutcome, type CertificateAuthority } from './signer.js';
export {
  KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODES_GROUP, NODE_USER_PREFIX,
  type CertificateSigningRequest, type CsrCondition,
} from './requests.js';
