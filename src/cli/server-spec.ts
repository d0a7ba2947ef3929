// Flags of `k8ts server` (kept apart from its implementation so help needs no server code).
import type { CommandSpec } from './flags.js';
import { defaultDataDir } from './data-dir.js';

import { DEFAULT_SERVICE_CIDR } from '../apiserver/defaults.js';

export const serverCommand: CommandSpec = {
  name: 'server',
  summary: 'Run the k8ts control plane (API server on an embedded SQLite datastore, or several servers on one etcd).',
  usage: 'k8ts server [flags]',
  flags: [
    { name: 'data-dir', env: 'K8TS_DATA_DIR', default: defaultDataDir, description: '(data) Directory for the datastore, certificates and kubeconfig' },
    { name: 'bind-address', env: 'K8TS_BIND_ADDRESS', default: '127.0.0.1', description: '(listener) Address the API server listens on' },
    { name: 'https-port', env: 'K8TS_HTTPS_PORT', default: '6443', description: '(listener) HTTPS port of the API server; 0 picks a free port' },
    { name: 'advertise-address', env: 'K8TS_ADVERTISE_ADDRESS', description: '(listener) IP other servers, nodes and pods reach this server at, listed in the kubernetes Service\'s endpoints (default: --bind-address, or this host\'s first address when binding all)' },
    { name: 'datastore-endpoint', env: 'K8TS_DATASTORE_ENDPOINT', default: '', description: '(data) Datastore: empty for SQLite in the data dir, sqlite::memory:, sqlite:///path.db, or etcd://host:2379[,host2:2379] shared by several servers' },
    { name: 'datastore-cafile', env: 'K8TS_DATASTORE_CAFILE', default: '', description: '(data) CA certificate file that verifies the datastore (etcd) servers' },
    { name: 'datastore-certfile', env: 'K8TS_DATASTORE_CERTFILE', default: '', description: '(data) Client certificate file for the datastore (etcd)' },
    { name: 'datastore-keyfile', env: 'K8TS_DATASTORE_KEYFILE', default: '', description: '(data) Client key file for the datastore (etcd)' },
    { name: 'token', env: 'K8TS_TOKEN', default: '', description: '(cluster) Server token shared by the servers of one cluster; it encrypts the cluster CA kept in the datastore. Generated into DATA/token on the first server of a non-SQLite datastore' },
    { name: 'token-file', env: 'K8TS_TOKEN_FILE', default: '', description: '(cluster) File holding the server token (used when --token is not given)' },
    { name: 'service-cidr', env: 'K8TS_SERVICE_CIDR', default: DEFAULT_SERVICE_CIDR, description: '(networking) IPv4 range for Service ClusterIPs' },
    { name: 'tls-san', env: 'K8TS_TLS_SAN', default: '', description: '(listener) Extra host names or IPs for the serving certificate, comma separated' },
    { name: 'disable-scheduler', env: 'K8TS_DISABLE_SCHEDULER', boolean: true, description: '(components) Do not run the scheduler' },
    { name: 'disable-controllers', env: 'K8TS_DISABLE_CONTROLLERS', default: '', description: '(components) Controllers not to run, comma separated, or "all"' },
    { name: 'leader-elect', env: 'K8TS_LEADER_ELECT', boolean: true, default: 'true', description: '(components) Run the scheduler and controllers only while holding their Lease (several servers on one datastore)' },
    { name: 'cluster-cidr', env: 'K8TS_CLUSTER_CIDR', default: '10.42.0.0/16', description: '(networking) IPv4 range nodes\' pod CIDRs are cut from' },
    { name: 'node-cidr-mask-size', env: 'K8TS_NODE_CIDR_MASK_SIZE', default: '24', description: '(networking) Prefix length of each node\'s pod CIDR' },
    { name: 'node-monitor-grace-period', env: 'K8TS_NODE_MONITOR_GRACE_PERIOD', default: '40s', description: '(nodes) A node silent this long is marked Unknown and tainted unreachable' },
    { name: 'default-not-ready-toleration-seconds', env: 'K8TS_DEFAULT_NOT_READY_TOLERATION_SECONDS', default: '300', description: '(nodes) How long pods tolerate a not-ready node by default before eviction' },
    { name: 'default-unreachable-toleration-seconds', env: 'K8TS_DEFAULT_UNREACHABLE_TOLERATION_SECONDS', default: '300', description: '(nodes) How long pods tolerate an unreachable node by default before eviction' },
    { name: 'log-level', env: 'K8TS_LOG_LEVEL', default: 'info', description: '(logging) trace, debug, info, warn or error' },
  ],
};
