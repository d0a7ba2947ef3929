// Flags of `k8ts up` and `k8ts down` (kept apart from their implementation so help loads nothing).
import type { CommandSpec } from './flags.js';
import { defaultDataDir } from './data-dir.js';

export const upCommand: CommandSpec = {
  name: 'up',
  summary: 'Bring up a one-node cluster on this machine (server + agent on containerd).',
  usage: `k8ts up [--data-dir DIR] [--install-deps] [flags]

Checks for containerd, runc and the CNI plugins (and a C compiler for the pause image) and says
what is missing; with --install-deps (root, Debian/Ubuntu) installs them with apt. Starts the API
server and an agent in the background (containerd under the data dir, unless it already runs
there), waits until the node is Ready, writes DIR/kubeconfig.yaml and prints how to use it.
Everything the cluster keeps lives under DIR; "k8ts down --data-dir DIR" removes it all. Give a
second cluster its own --data-dir, ports, --bridge and --cluster-cidr.`,
  flags: [
    { name: 'data-dir', env: 'K8TS_DATA_DIR', default: defaultDataDir, description: '(data) Where the cluster keeps everything' },
    { name: 'install-deps', boolean: true, description: '(setup) Install missing system packages with apt (root)' },
    { name: 'https-port', default: '6443', description: '(server) HTTPS port of the API server' },
    { name: 'cluster-cidr', default: '10.42.0.0/16', description: '(network) Range pod CIDRs are cut from' },
    { name: 'node-name', default: '', description: '(node) Node name (default: the hostname)' },
    { name: 'node-ip', default: '', description: '(node) Node InternalIP (default: the default route\'s interface address)' },
    { name: 'kubelet-port', default: '10250', description: '(node) Kubelet server port' },
    { name: 'bridge', default: 'k8ts0', description: '(network) Pod bridge name' },
    { name: 'pod-logs-dir', default: '/var/log/pods', description: '(logs) Container logs, one directory per pod' },
    { name: 'container-logs-dir', default: '/var/log/containers', description: '(logs) Links to container logs, for log shippers' },
    { name: 'timeout', default: '120s', description: '(setup) How long to wait for the node to be Ready' },
    { name: 'log-level', env: 'K8TS_LOG_LEVEL', default: 'info', description: '(logging) Level of the server and agent logs (in DIR/*.log)' },
  ],
};

export const downCommand: CommandSpec = {
  name: 'down',
  summary: 'Stop the cluster "k8ts up" made and remove its pods, network and state.',
  usage: `k8ts down [--data-dir DIR] [--keep-data]

Stops the agent, removes every pod sandbox and container (their network goes with them), stops
containerd and the server, removes the pod bridge, its iptables chains and IPAM state, unmounts what
is left under DIR and removes DIR (unless --keep-data).`,
  flags: [
    { name: 'data-dir', env: 'K8TS_DATA_DIR', default: defaultDataDir, description: '(data) The cluster\'s data dir' },
    { name: 'keep-data', boolean: true, description: '(data) Keep DIR (store, certificates) after stopping' },
  ],
};
