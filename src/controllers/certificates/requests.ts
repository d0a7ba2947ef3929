// What the built-in signers accept, shared by the approver (which only approves what the signer
// will sign) and the signer (which fails what it must not sign). The rules are kube's
// (pkg/apis/certificates/helpers.go: IsKubeletClientCSR, IsKubeletServingCSR; the signer's
// validators in pkg/controller/certificates/signer).
import type { KubeObject } from '../../machinery/object.js';
import type { CertificateRequestInfo } from '../../machinery/x509.js';
import { parseCertificateRequest } from '../../machinery/x509.js';
import {
  KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, csrRequestPem,
} from '../../api/strategies/index.js';

export { KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER };
export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

export interface CsrCondition {
  type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec?: {
    request?: string; signerName?: string; expirationSeconds?: number; usages?: string[];
    username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]>;
  };
  status?: { conditions?: CsrCondition[]; certificate?: string };
}

/** The request a CSR carries, parsed (signature checked); undefined when unreadable. */
export function requestOf(csr: Readonly<CertificateSigningRequest>): CertificateRequestInfo | undefined {
  const pem = csrRequestPem(csr);
  if (pem === undefined) return undefined;
  try { return parseCertificateRequest(pem); } catch { return undefined; }
}

const subset = (xs: readonly string[], allowed: readonly string[]) => xs.every((x) => allowed.includes(x));

/** The node a kubelet CSR is for (`system:node:<name>` → name), or undefined. */
export function nodeNameOf(req: CertificateRequestInfo): string | undefined {
  if (!req.commonName.startsWith(NODE_USER_PREFIX)) return undefined;
  const name = req.commonName.slice(NODE_USER_PREFIX.length);
  return name === '' ? undefined : name;
}

function onlyNodesGroup(req: CertificateRequestInfo): boolean {
  return req.organizations.length === 1 && req.organizations[0] === NODES_GROUP;
}

/**
 * Why a kube-apiserver-client-kubelet request must not be signed, or undefined when it is a
 * kubelet client certificate: O=system:nodes only, CN=system:node:<name>, no SANs, usages
 * digital signature + client auth (+ key encipherment, which RSA keys use).
 */
export function kubeletClientProblem(req: CertificateRequestInfo, usages: readonly string[]): string | undefined {
  if (!onlyNodesGroup(req)) return `subject organization is not ${NODES_GROUP}`;
  if (nodeNameOf(req) === undefined) return `subject common name does not begin with "${NODE_USER_PREFIX}"`;
  if (req.dnsNames.length || req.ipAddresses.length || req.emailAddresses.length || req.uris.length) {
    return 'subject alternative names are not allowed';
  }
  if (!usages.includes('client auth') || !usages.includes('digital signature')
    || !subset(usages, ['digital signature', 'key encipherment', 'client auth'])) {
    return 'usages must be "digital signature" and "client auth" (and optionally "key encipherment")';
  }
  return undefined;
}

/**
 * Why a kubelet-serving request must not be signed, or undefined: O=system:nodes only,
 * CN=system:node:<name>, at least one DNS name or IP and no email or URI SANs, usages digital
 * signature + server auth (+ key encipherment).
 */
export function kubeletServingProblem(req: CertificateRequestInfo, usages: readonly string[]): string | undefined {
  if (!onlyNodesGroup(req)) return `subject organization is not ${NODES_GROUP}`;
  if (nodeNameOf(req) === undefined) return `subject common name does not begin with "${NODE_USER_PREFIX}"`;
  if (req.emailAddresses.length || req.uris.length) return 'email and URI subject alternative names are not allowed';
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) return 'at least one DNS or IP subject alternative name is required';
  if (!usages.includes('server auth') || !usages.includes('digital signature')
    || !subset(usages, ['digital signature', 'key encipherment', 'server auth'])) {
    return 'usages must be "digital signature" and "server auth" (and optionally "key encipherment")';
  }
  return undefined;
}

/** Why a kube-apiserver-client request must not be signed: it must be for client auth only. */
export function apiserverClientProblem(req: CertificateRequestInfo, usages: readonly string[]): string | undefined {
  if (!usages.includes('client auth')) return 'usages must include "client auth"';
  if (!subset(usages, ['digital signature', 'key encipherment', 'client auth'])) {
    return 'usages may only be "digital signature", "key encipherment" and "client auth"';
  }
  if (req.commonName === '') return 'subject common name (the user name) is required';
  return undefined;
}

/** The signers csrsigning implements. */
export const OUR_SIGNERS: ReadonlySet<string> = new Set([KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, KUBE_APISERVER_CLIENT_SIGNER]);

/** The signer-specific check of one of OUR_SIGNERS: why it must not be signed, or undefined. */
export function signerProblem(signerName: string, req: CertificateRequestInfo, usages: readonly string[]): string | undefined {
  switch (signerName) {
    case KUBELET_CLIENT_SIGNER: return kubeletClientProblem(req, usages);
    case KUBELET_SERVING_SIGNER: return kubeletServingProblem(req, usages);
    case KUBE_APISERVER_CLIENT_SIGNER: return apiserverClientProblem(req, usages);
    default: return `signer "${signerName}" is not implemented by k8ts`;
  }
}
