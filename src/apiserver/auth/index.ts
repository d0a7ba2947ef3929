// SPDX-License-Identifier: Apache-2.0
export { CLUSTER_CA_FILES, createClusterCa, ensureClusterPki, issueClientCert, issueServingCert } from './pki.js';
export type {
  CertKeyPem, StoredCertKey, ClusterPki, EnsurePkiOptions, ClientCertRequest, ServingCertRequest,
} from './pki.js';
export {
  AUTHENTICATED_GROUP, clientCertState, unionAuthenticator, userFromTlsSocket, withAuthenticatedGroup,
  x509Authenticator,
} from './authenticate.js';
export type { Authenticator, ClientCertState, UserInfo } from './authenticate.js';
export { readKubeconfig, renderAdminKubeconfig, writeAdminKubeconfig } from './kubeconfig.js';
export type { AdminKubeconfigOptions, KubeconfigCredentials } from './kubeconfig.js';
