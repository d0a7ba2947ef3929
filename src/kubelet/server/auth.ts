// SPDX-License-Identifier: Apache-2.0
// Who may call the kubelet. Authentication: a client certificate the cluster CA signed (kubelet
// --client-ca-file); the subject's CN is the user, each O a group. Authorization: until the
// kubelet asks the API server (SubjectAccessReview, kubelet --authorization-mode=Webhook, which
// RBAC would then decide), members of system:masters and the API server's kubelet client identity
// are allowed and everyone else is refused — the requests are described with kubelet's attributes
// (resource nodes, subresource proxy/stats/metrics/log) so the refusal reads as kubelet's.
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';

export interface KubeletUser { name: string; groups: string[] }

/** The CN the API server's client certificate for kubelets carries (kubeadm's apiserver-kubelet-client). */
export const APISERVER_KUBELET_CLIENT = 'kube-apiserver-kubelet-client';
const MASTERS = 'system:masters';

function values(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The user of a request whose TLS client certificate the CA verified; undefined otherwise. */
export function authenticate(req: IncomingMessage, nowMs: number): KubeletUser | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return undefined;
  if (Date.parse(peer.valid_to) <= nowMs || Date.parse(peer.valid_from) > nowMs) return undefined;
  const cn = values(peer.subject?.CN);
  const name = cn[cn.length - 1] ?? '';
  if (name === '') return undefined;
  return { name, groups: [...values(peer.subject?.O), 'system:authenticated'] };
}

const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** kubelet's authorization attributes for a path (pkg/kubelet/server/auth.go GetRequestAttributes). */
export function requestAttributes(method: string, path: string): { verb: string; resource: 'nodes'; subresource: string } {
  const under = (p: string) => path === p || path.startsWith(`${p}/`);
  let subresource = 'proxy';
  if (under('/stats')) subresource = 'stats';
  else if (under('/metrics')) subresource = 'metrics';
  else if (under('/logs')) subresource = 'log';
  else if (under('/checkpoint')) subresource = 'checkpoint';
  return { verb: VERBS[method] ?? method.toLowerCase(), resource: 'nodes', subresource };
}

/** undefined when allowed; else kubelet's 403 body. */
export function authorize(user: KubeletUser, method: string, path: string): string | undefined {
  if (user.groups.includes(MASTERS) || user.name === APISERVER_KUBELET_CLIENT) return undefined;
  const a = requestAttributes(method, path);
  return `Forbidden (user=${user.name}, verb=${a.verb}, resource=${a.resource}, subresource(s)=[${a.subresource}])\n`;
}
