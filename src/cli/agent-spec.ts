// Flags of `k8ts agent` (kept apart from its implementation so help needs no kubelet code).
import { join } from 'node:path';
import type { CommandSpec } from './flags.js';
import { defaultDataDir } from './data-dir.js';

const DETAILS = `k8ts agent --server URL --token TOKEN [flags]
k8ts agent --kubeconfig FILE [flags]

Runs a worker node: the kubelet on containerd through CRI. With --token (from "k8ts token create" on
a server) the node checks the server's CA against the token, then gets its own client and serving
certificates through CertificateSigningRequests; with --kubeconfig it uses those credentials to ask
for them. Unless --container-runtime-endpoint names a running runtime, the agent starts containerd
under its data dir (and leaves it running when it stops, so pods keep running: a restarted agent
adopts them). The pod network is a CNI bridge on the node's podCIDR, which the server allocates.`;

export const agentCommand: CommandSpec = {
  name: 'agent',
  summary: 'Run a worker node (kubelet on containerd) that joins a cluster.',
  usage: DETAILS,
  flags: [
    { name: 'server', env: 'K8TS_URL', default: '', description: '(cluster) API server URL, e.g. https://10.0.0.1:6443' },
    { name: 'token', env: 'K8TS_TOKEN', default: '', description: '(cluster) Join token from "k8ts token create"' },
    { name: 'kubeconfig', env: 'K8TS_AGENT_KUBECONFIG', default: '', description: '(cluster) Kubeconfig to join with instead of a token' },
    { name: 'data-dir', env: 'K8TS_AGENT_DATA_DIR', default: () => join(defaultDataDir(), 'agent'), description: '(data) Node state: certificates, kubelet, containerd' },
    { name: 'node-name', env: 'K8TS_NODE_NAME', default: '', description: '(node) Node name (default: the hostname)' },
    { name: 'node-ip', env: 'K8TS_NODE_IP', default: '', description: '(node) InternalIP (default: the address of the default route\'s interface)' },
    { name: 'node-labels', default: '', description: '(node) Extra node labels, k=v,k2=v2' },
    { name: 'node-taints', default: '', description: '(node) Node taints, k=v:NoSchedule,...' },
    { name: 'max-pods', default: '110', description: '(node) Pod capacity' },
    { name: 'container-runtime-endpoint', default: '', description: '(runtime) CRI socket of a running runtime (default: start containerd under the data dir)' },
    { name: 'kubelet-address', default: '', description: '(kubelet) Address the kubelet server binds (default: the node IP)' },
    { name: 'kubelet-port', default: '10250', description: '(kubelet) Port of the kubelet server' },
    { name: 'pod-logs-dir', default: '/var/log/pods', description: '(logs) Container logs, one directory per pod' },
    { name: 'container-logs-dir', default: '/var/log/containers', description: '(logs) Links to container logs, for log shippers' },
    { name: 'cgroup-root', default: '/k8ts-pods', description: '(runtime) Parent cgroup of pod cgroups' },
    { name: 'bridge', default: 'k8ts0', description: '(network) Name of the pod bridge' },
    { name: 'cluster-dns', default: '', description: '(dns) Cluster DNS service IP given to pods (dnsPolicy ClusterFirst)' },
    { name: 'cluster-domain', default: 'cluster.local', description: '(dns) Cluster domain' },
    { name: 'log-level', env: 'K8TS_LOG_LEVEL', default: 'info', description: '(logging) trace, debug, info, warn or error' },
  ],
};
