// Rendering a kubeconfig (client-go clientcmd v1 Config). Reading one is the client's
// (src/client/kubeconfig.ts); writing one is shared by the server (admin), a joining node
// (kubelet.kubeconfig) and the bootstrap signer (kube-public/cluster-info).
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  caPem: string;
  /** Client certificate and key (PEM), or a bearer token; neither: a cluster-only kubeconfig (cluster-info). */
  user?: { certPem: string; keyPem: string } | { token: string };
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/**
 * Renders a self-contained kubeconfig (client-go clientcmd v1 Config): credentials embedded as
 * base64 `*-data` fields. Without a user it has only the cluster, as kubeadm's cluster-info does.
 */
export function renderKubeconfig(k: KubeconfigSpec): string {
  const url = new URL(k.server); // throws on a malformed server address, before anything is written
  if (url.protocol !== 'https:') throw new Error(`kubeconfig server must be an https URL, got ${k.server}`);
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  const cluster = k.clusterName ?? (k.user ? 'k8ts' : '');
  const doc: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: k.server, 'certificate-authority-data': b64(k.caPem) } }],
  };
  if (k.user) {
    const user = k.userName ?? 'admin';
    const context = k.contextName ?? 'k8ts';
    doc['contexts'] = [{ name: context, context: { cluster, user } }];
    doc['current-context'] = context;
    doc['preferences'] = {};
    doc['users'] = [{ name: user, user: 'token' in k.user ? { token: k.user.token } : {
      'client-certificate-data': b64(k.user.certPem),
      'client-key-data': b64(k.user.keyPem),
    } }];
  } else {
    doc['contexts'] = null;
    doc['current-context'] = '';
    doc['preferences'] = {};
    doc['users'] = null;
  }
  return stringify(doc, { lineWidth: 0 }); // never fold the long base64 lines
}
