// Flags of `k8ts token` (kept apart from its implementation so help needs no client code).
import type { CommandSpec } from './flags.js';
import { defaultDataDir } from './data-dir.js';

const USAGE = `k8ts token create [--ttl 24h] [--description TEXT] [--data-dir DIR | --kubeconfig FILE]
  k8ts token list   [--data-dir DIR | --kubeconfig FILE]
  k8ts token delete ID [--data-dir DIR | --kubeconfig FILE]

A join token lets a node join: k8ts agent --server URL --token TOKEN. It is printed as
K10<sha256 of the cluster CA certificate>::<id>.<secret>: the hash lets the node check the CA it is
sent (kube-public/cluster-info) without a copy of it, the id.secret pair is a Kubernetes bootstrap
token, stored as the Secret kube-system/bootstrap-token-<id> (kubeadm's format), and deleted by the
server when it expires. Its users may only create and read CertificateSigningRequests.`;

export const tokenCommand: CommandSpec = {
  name: 'token',
  summary: 'Create, list and delete join tokens for worker nodes.',
  usage: USAGE,
  flags: [
    { name: 'data-dir', env: 'K8TS_DATA_DIR', default: defaultDataDir, description: '(cluster) The server\'s data directory, for its admin kubeconfig' },
    { name: 'kubeconfig', description: '(cluster) An admin kubeconfig to use instead of the data directory\'s' },
    { name: 'ttl', default: '24h', description: '(create) How long the token is valid (Go duration); 0 means it never expires' },
    { name: 'description', default: '', description: '(create) A note kept with the token' },
  ],
};
