// Flags of `k8ts sim` (kept apart from its implementation so help needs no sim code).
import type { CommandSpec } from './flags.js';
import { defaultDataDir, kubeconfigPath } from './data-dir.js';

const DETAILS = `k8ts sim --kubeconfig FILE --nodes N [flags]

Registers N hollow nodes (like kwok/kubemark) named PREFIX0 … PREFIX(N-1), keeps their Leases
(kube-node-lease) and status fresh, and plays the kubelet for the pods bound to them: after
--start-delay a pod is Running with an IP from its node's spec.podCIDR, its containers ready;
a deleted pod is finished after min(its grace period, --termination-grace-cap).
Stopping the process (SIGTERM, SIGINT) is a node failure: the Nodes stay, their Leases stop, and
the node lifecycle controller marks them Unknown and evicts their pods. Run several sim
processes with different --name-prefix values to fail nodes independently.

Pod annotations the sim understands:
  sim.k8ts.io/run-for=5s       containers exit after running this long. restartPolicy Never:
                               the pod ends Succeeded (exit code 0) or Failed; OnFailure: Succeeded
                               on 0, else the containers restart after a back-off (CrashLoopBackOff);
                               Always: they always restart. Without it containers run until deleted.
  sim.k8ts.io/exit-code=1      the exit code for run-for (default 0).
  sim.k8ts.io/start-delay=3s   this pod's start delay instead of --start-delay.`;

export const simCommand: CommandSpec = {
  name: 'sim',
  summary: 'Run simulated (hollow) nodes against a cluster, for scale tests and local play.',
  usage: DETAILS,
  flags: [
    { name: 'kubeconfig', env: 'KUBECONFIG', default: () => kubeconfigPath(defaultDataDir()), description: '(cluster) Kubeconfig of the cluster to join' },
    { name: 'nodes', env: 'K8TS_SIM_NODES', default: '1', description: '(nodes) How many nodes this process runs' },
    { name: 'name-prefix', env: 'K8TS_SIM_NAME_PREFIX', default: 'sim-node-', description: '(nodes) Node names are this prefix and an index' },
    { name: 'cpu', default: '4', description: '(nodes) CPU capacity of each node' },
    { name: 'memory', default: '16Gi', description: '(nodes) Memory capacity of each node' },
    { name: 'pods', default: '110', description: '(nodes) Pod capacity of each node' },
    { name: 'labels', default: '', description: '(nodes) Extra node labels, k=v,k2=v2' },
    { name: 'taints', default: '', description: '(nodes) Node taints, k=v:NoSchedule,k:NoExecute' },
    { name: 'start-delay', default: '1s', description: '(pods) Delay before a bound pod is Running' },
    { name: 'termination-grace-cap', default: '1s', description: '(pods) Longest wait before a deleted pod is finished' },
    { name: 'crash-backoff', default: '10s', description: '(pods) First restart back-off of exited containers (doubles, up to 5m)' },
    { name: 'heartbeat', default: '10s', description: '(heartbeat) Lease renewal interval; the Lease lasts 4x this' },
    { name: 'status-report', default: '5m', description: '(heartbeat) Node status is re-posted this often when unchanged' },
    { name: 'node-workers', default: '16', description: '(scale) Concurrent writes for node heartbeats and status' },
    { name: 'pod-workers', default: '32', description: '(scale) Concurrent writes for pods' },
    { name: 'node-ip-cidr', default: '172.20.0.0/16', description: '(network) Range of the nodes\' InternalIPs' },
    { name: 'fallback-pod-cidr', default: '10.64.0.0/10', description: '(network) Pod IPs (a /24 per node) for nodes without spec.podCIDR' },
    { name: 'log-level', env: 'K8TS_LOG_LEVEL', default: 'info', description: '(logging) trace, debug, info, warn or error' },
  ],
};
