// `k8ts agent`: a worker node. Credentials (join token → CSRs, or a kubeconfig), containerd (reused
// or started under the data dir), the pod network from the node's podCIDR, the kubelet and its
// HTTPS server; runs until SIGTERM/SIGINT, leaving containerd and the pods running.
import { readFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createClient, loadKubeconfig } from '../client/index.js';
import { bootstrapNodeCredentials } from '../kubelet/bootstrap/index.js';
import { startKubelet, type Kubelet } from '../kubelet/index.js';
import { ProbeManager } from '../kubelet/probes/index.js';
import { ensureContainerd } from '../kubelet/runtime/containerd/index.js';
import { startKubeletServer } from '../kubelet/server/index.js';
import { kubeletServerBackend } from '../kubelet/server-backend.js';
import { VolumeManager } from '../kubelet/volumes/index.js';
import { writeCniConfig } from '../network/index.js';
import { FlagError, type ParsedFlags } from './flags.js';
import { createLogger } from './logger.js';
import { parseLabels, parseTaints } from './sim.js';
export { agentCommand } from './agent-spec.js';

/** The IPv4 address of the interface that holds the default route (127.0.0.1 when there is none). */
export function defaultNodeIP(): string {
  let iface = '';
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === '00000000' && f[7] === '00000000') { iface = f[0] ?? ''; break; }
    }
  } catch { /* not Linux */ }
  const addrs = networkInterfaces()[iface] ?? [];
  return addrs.find((a) => a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
}

export interface AgentConfig {
  server: string;
  token: string;
  kubeconfig: string;
  dataDir: string;
  nodeName: string;
  nodeIP: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  maxPods: number;
  criEndpoint: string;
  kubeletAddress: string;
  kubeletPort: number;
  podLogsDir: string;
  containerLogsDir: string;
  cgroupRoot: string;
  bridge: string;
  clusterDns: string;
  clusterDomain: string;
  logLevel: string;
}

export function agentConfig(f: ParsedFlags): AgentConfig {
  const token = f.token ?? '';
  const kubeconfig = f.kubeconfig ? resolve(f.kubeconfig) : '';
  if (!token && !kubeconfig) throw new FlagError('either --token (with --server) or --kubeconfig is required');
  if (token && !f.server && !kubeconfig) throw new FlagError('--token needs --server URL');
  const nodeIP = f['node-ip'] || defaultNodeIP();
  const port = Number(f['kubelet-port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new FlagError(`--kubelet-port: not a port: ${f['kubelet-port']}`);
  const maxPods = Number(f['max-pods']);
  if (!Number.isInteger(maxPods) || maxPods < 1) throw new FlagError(`--max-pods: want a positive integer, got ${f['max-pods']}`);
  return {
    server: f.server ?? '', token, kubeconfig, dataDir: resolve(f['data-dir'] ?? ''),
    nodeName: (f['node-name'] || hostname()).toLowerCase(), nodeIP,
    labels: parseLabels(f['node-labels'] ?? ''), taints: parseTaints(f['node-taints'] ?? ''), maxPods,
    criEndpoint: f['container-runtime-endpoint'] ?? '', kubeletAddress: f['kubelet-address'] || nodeIP, kubeletPort: port,
    podLogsDir: resolve(f['pod-logs-dir'] ?? '/var/log/pods'), containerLogsDir: resolve(f['container-logs-dir'] ?? '/var/log/containers'),
    cgroupRoot: f['cgroup-root'] ?? '/k8ts-pods', bridge: f.bridge ?? 'k8ts0',
    clusterDns: f['cluster-dns'] ?? '', clusterDomain: f['cluster-domain'] ?? 'cluster.local', logLevel: f['log-level'] ?? 'info',
  };
}

export interface RunningAgent {
  kubelet: Kubelet;
  stop(): Promise<void>;
}

/** Starts a node from its config; the caller decides when to stop it. */
export async function startAgent(cfg: AgentConfig, log: Logger): Promise<RunningAgent> {
  const creds = await bootstrapNodeCredentials({
    ...(cfg.server ? { server: cfg.server } : {}), ...(cfg.token ? { token: cfg.token } : {}), ...(cfg.kubeconfig && !cfg.token ? { kubeconfig: cfg.kubeconfig } : {}),
    nodeName: cfg.nodeName, nodeIPs: [...new Set([cfg.nodeIP, cfg.kubeletAddress])], dir: join(cfg.dataDir, 'pki'), log,
  });
  const client = createClient({ ...loadKubeconfig(creds.kubeconfigPath), userAgent: `k8ts-agent/${cfg.nodeName}` });
  const cniConfDir = join(cfg.dataDir, 'cni');
  let criEndpoint = cfg.criEndpoint;
  if (!criEndpoint) {
    const ctrd = await ensureContainerd({ dataDir: join(cfg.dataDir, 'containerd'), cniConfDir, cacheDir: join(cfg.dataDir, 'images'), log });
    criEndpoint = ctrd.address;
  }
  const kubelet = await startKubelet({
    client, nodeName: cfg.nodeName, nodeIP: cfg.nodeIP, criEndpoint,
    rootDir: join(cfg.dataDir, 'kubelet'), podLogsDir: cfg.podLogsDir, containerLogsDir: cfg.containerLogsDir, cgroupRoot: cfg.cgroupRoot,
    kubeletPort: cfg.kubeletPort, maxPods: cfg.maxPods, labels: cfg.labels, taints: cfg.taints,
    clusterDomain: cfg.clusterDomain, ...(cfg.clusterDns ? { clusterDns: cfg.clusterDns } : {}),
    log,
    volumes: (d) => new VolumeManager(d),
    probes: (d) => new ProbeManager({
      clock: d.clock, log: d.log,
      onResult: (uid) => d.wake(uid),
      onUnhealthy: (pod, _c, _k, message) => d.events.record(pod, 'Warning', 'Unhealthy', message),
      onProbeWarning: (pod, _c, _k, message) => d.events.record(pod, 'Warning', 'ProbeWarning', message),
    }),
    onPodCidr: async (cidr) => {
      await writeCniConfig({ confDir: cniConfDir, podCidr: cidr, bridgeName: cfg.bridge });
      log.info({ podCIDR: cidr, bridge: cfg.bridge }, 'pod network configured');
    },
  });
  const server = await startKubeletServer({
    host: cfg.kubeletAddress, port: cfg.kubeletPort, tls: { cert: creds.serving.certPem, key: creds.serving.keyPem }, clientCA: creds.caPem,
    backend: kubeletServerBackend(kubelet), log,
  });
  return {
    kubelet,
    async stop() { await server.close(); await kubelet.stop(); },
  };
}

export async function runAgent(f: ParsedFlags): Promise<number> {
  const cfg = agentConfig(f);
  const log = createLogger(cfg.logLevel, 'k8ts-agent');
  const stopSignal = new Promise<string>((res) => {
    process.once('SIGTERM', () => res('SIGTERM'));
    process.once('SIGINT', () => res('SIGINT'));
  });
  const agent = await startAgent(cfg, log);
  log.info({ node: cfg.nodeName, nodeIP: cfg.nodeIP }, 'k8ts agent is running');
  const sig = await stopSignal;
  log.info({ signal: sig }, 'stopping the agent (containers keep running)');
  await agent.stop();
  return 0;
}
