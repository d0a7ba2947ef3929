// The two callers k8ts limits before RBAC exists (every other authenticated user may do anything):
// - no credentials at all: besides the public health/version paths, only GET of
//   kube-public/cluster-info, which kubeadm's `kubeadm:bootstrap-signer-clusterinfo` Role opens to
//   system:anonymous so that a joining node can find the CA;
// - bootstrap-token users (system:bootstrappers): what kube's system:node-bootstrapper ClusterRole
//   and system:discovery allow — discovery, and create/get/list/watch of CertificateSigningRequests.
// A join token must never be a cluster-admin credential.
import { forbidden, StatusError } from '../../machinery/errors.js';
import { BOOTSTRAPPERS_GROUP, CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE } from '../../machinery/bootstrap-token.js';
import type { RequestInfo } from '../http/request-info.js';
import type { UserInfo } from './authenticate.js';

const MASTERS_GROUP = 'system:masters';
const CSR_VERBS = new Set(['create', 'get', 'list', 'watch']);

/** May a request without credentials make this resource request? Only `GET cluster-info`. */
export function anonymousMayRequest(info: RequestInfo): boolean {
  return info.isResource && info.verb === 'get' && info.group === '' && info.version === 'v1'
    && info.resource === 'configmaps' && info.namespace === CLUSTER_INFO_NAMESPACE
    && info.name === CLUSTER_INFO_NAME && info.subresource === '';
}

/** The 403 a bootstrap-token user gets for anything beyond joining; undefined when allowed (or not such a user). */
export function bootstrapperForbidden(user: UserInfo, info: RequestInfo): StatusError | undefined {
  if (!user.groups.includes(BOOTSTRAPPERS_GROUP) || user.groups.includes(MASTERS_GROUP)) return undefined;
  if (!info.isResource) {
    if (info.verb === 'get' || info.verb === 'head') return undefined; // discovery, version, openapi
    return new StatusError({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden', details: {},
      message: `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"`,
    });
  }
  if (anonymousMayRequest(info)) return undefined;
  if (info.group === 'certificates.k8s.io' && info.resource === 'certificatesigningrequests' && info.subresource === ''
    && CSR_VERBS.has(info.verb)) return undefined;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  return forbidden({ group: info.group, resource: info.resource }, info.name,
    `User "${user.name}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${scope}`);
}
