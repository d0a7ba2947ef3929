// SPDX-License-Identifier: Apache-2.0
// Where a node's kubelet listens and how the API server talks to it (pkg/kubelet/client
// NodeConnectionInfoGetter): the node's address from status.addresses, the port from
// status.daemonEndpoints.kubeletEndpoint, HTTPS verified against the cluster CA, and the API
// server's own client certificate (kubeadm's apiserver-kubelet-client: CN
// kube-apiserver-kubelet-client, O system:masters).
import type { KubeObject } from '../../../machinery/object.js';
import { badRequest, internalError, StatusError } from '../../../machinery/errors.js';
import type { UpstreamTarget } from '../../../streaming/index.js';
import { getObject } from '../../registry/read.js';
import type { HandlerContext } from '../context.js';

/** TLS material for talking to kubelets. */
export interface KubeletClientConfig {
  /** CA that signed kubelets' serving certificates (the cluster CA), PEM. */
  caPem: string;
  /** The API server's client certificate and key for kubelets, PEM. */
  certPem?: string;
  keyPem?: string;
}

interface NodeStatus {
  addresses?: Array<{ type: string; address: string }>;
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
}

const DEFAULT_KUBELET_PORT = 10250;
/** kube-apiserver --kubelet-preferred-address-types, with InternalIP first. */
const ADDRESS_PREFERENCE = ['InternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS', 'ExternalIP'];

export function kubeletBase(node: KubeObject): URL {
  const status = (node.status ?? {}) as NodeStatus;
  const addresses = status.addresses ?? [];
  const address = ADDRESS_PREFERENCE.map((t) => addresses.find((a) => a.type === t)?.address).find((a) => a);
  if (!address) throw badRequest(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return new URL(`https://${address.includes(':') ? `[${address}]` : address}:${port}`);
}

export async function kubeletTarget(ctx: HandlerContext, nodeName: string, pathAndQuery: string): Promise<UpstreamTarget> {
  const nodeDef = ctx.deps.resource('', 'v1', 'nodes');
  if (!nodeDef) throw internalError('nodes are not served');
  const node = await getObject(ctx.deps, nodeDef, '', nodeName);
  const url = new URL(pathAndQuery, kubeletBase(node));
  const k = ctx.kubeletClient;
  return { url, ...(k?.caPem ? { ca: k.caPem } : {}), ...(k?.certPem ? { cert: k.certPem } : {}), ...(k?.keyPem ? { key: k.keyPem } : {}) };
}

/**
 * What kube-apiserver answers when a kubelet cannot be reached: a plain error turned into a
 * Status (code 500, no reason), which kubectl prints as `Error from server: error dialing backend: ...`.
 */
export function dialFailed(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, message: `error dialing backend: ${message}` });
}
