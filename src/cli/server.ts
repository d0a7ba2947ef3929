// `k8ts server`: the control plane on one machine: PKI, datastore, API server, admin kubeconfig.
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ParsedFlags } from './flags.js';
export { serverCommand } from './server-spec.js';
import { FlagError } from './flags.js';
import { defaultDataDir, kubeconfigPath } from './data-dir.js';
import { createLogger } from './logger.js';
import { openStore, startCompactor } from '../storage/index.js';
import { ensureClusterPki, issueClientCert, writeAdminKubeconfig, x509Authenticator } from '../apiserver/auth/index.js';
import { DEFAULT_SERVICE_CIDR, startApiServer } from '../apiserver/server.js';
import { firstServiceIP, parseCidr } from '../apiserver/admission/service-allocation.js';
import { parseDuration, parseNonNegativeInt } from './durations.js';
import { enabledControllers, type ControlPlaneConfig } from './control-plane.js';
import { startControlPlaneThread } from './control-plane-thread.js';


export interface ServerConfig {
  dataDir: string;
  bindAddress: string;
  port: number;
  datastoreEndpoint: string;
  serviceCidr: string;
  tlsSans: string[];
  logLevel: string;
  controlPlane: ControlPlaneConfig;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export function serverConfig(f: ParsedFlags): Readonly<ServerConfig> {
  const port = Number(f['https-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`--https-port: invalid port "${f['https-port']}"`);
  try { parseCidr(f['service-cidr'] ?? ''); } catch { throw new FlagError(`--service-cidr: invalid CIDR "${f['service-cidr']}"`); }
  return Object.freeze({
    dataDir: resolve(f['data-dir'] ?? defaultDataDir()),
    bindAddress: f['bind-address'] ?? '127.0.0.1',
    port,
    datastoreEndpoint: f['datastore-endpoint'] ?? '',
    serviceCidr: f['service-cidr'] ?? DEFAULT_SERVICE_CIDR,
    tlsSans: (f['tls-san'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: f['log-level'] ?? 'info',
    controlPlane: controlPlaneConfig(f),
    defaultNotReadyTolerationSeconds: parseNonNegativeInt('default-not-ready-toleration-seconds', f['default-not-ready-toleration-seconds'] ?? '300'),
    defaultUnreachableTolerationSeconds: parseNonNegativeInt('default-unreachable-toleration-seconds', f['default-unreachable-toleration-seconds'] ?? '300'),
  });
}

function controlPlaneConfig(f: ParsedFlags): ControlPlaneConfig {
  const clusterCidr = f['cluster-cidr'] ?? '10.42.0.0/16';
  try { parseCidr(clusterCidr); } catch { throw new FlagError(`--cluster-cidr: invalid CIDR "${clusterCidr}"`); }
  const mask = parseNonNegativeInt('node-cidr-mask-size', f['node-cidr-mask-size'] ?? '24');
  if (mask > 30 || mask < Number(clusterCidr.split('/')[1])) throw new FlagError(`--node-cidr-mask-size: ${mask} does not fit in --cluster-cidr ${clusterCidr}`);
  const disabled = (f['disable-controllers'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  enabledControllers(disabled); // unknown names are a flag error now, not in the control plane thread
  return {
    scheduler: f['disable-scheduler'] !== 'true',
    disabledControllers: disabled,
    leaderElect: f['leader-elect'] !== 'false',
    controllers: {
      clusterCidr, nodeCidrMaskSize: mask,
      nodeMonitorGracePeriodMs: parseDuration('node-monitor-grace-period', f['node-monitor-grace-period'] ?? '40s'),
    },
  };
}

export interface RunningServer { url: string; kubeconfig: string; stop(): Promise<void> }

/** Start everything; resolves once serving. */
export async function startServer(cfg: Readonly<ServerConfig>): Promise<RunningServer> {
  const log = createLogger(cfg.logLevel, 'k8ts-server');
  await mkdir(cfg.dataDir, { recursive: true, mode: 0o700 });
  const ips = ['127.0.0.1', firstServiceIP(parseCidr(cfg.serviceCidr))];
  if (cfg.bindAddress !== '0.0.0.0' && cfg.bindAddress !== '::' && !ips.includes(cfg.bindAddress)) ips.push(cfg.bindAddress);
  const pki = await ensureClusterPki(cfg.dataDir, { hostnames: ['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', ...cfg.tlsSans], ips });
  const store = await openStore(cfg.datastoreEndpoint, { dataDir: cfg.dataDir });
  const compactor = startCompactor(store, { intervalMs: 5 * 60_000, keepRevisions: 10_000, onError: (e) => log.warn({ err: e }, 'compaction failed') });
  // The API server's client certificate for kubelets (kubeadm's apiserver-kubelet-client), fresh at each start.
  const kubeletClient = await issueClientCert({ ca: pki.ca }, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  const api = await startApiServer({
    store, log, bindAddress: cfg.bindAddress, port: cfg.port, authenticator: x509Authenticator(), serviceCidr: cfg.serviceCidr, kubeletClient,
    tls: { keyPem: pki.serving.keyPem, certPem: pki.serving.certPem, caPem: pki.ca.certPem },
    defaultNotReadyTolerationSeconds: cfg.defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds: cfg.defaultUnreachableTolerationSeconds,
  });
  const loopback = cfg.bindAddress === '0.0.0.0' || cfg.bindAddress === '::' ? '127.0.0.1' : cfg.bindAddress;
  // The CA signs approved CSRs (csrsigning) and is published in kube-public/cluster-info (bootstrapsigner).
  const controllers = { ...cfg.controlPlane.controllers, clusterSigningCertFile: pki.ca.certPath, clusterSigningKeyFile: pki.ca.keyPath, clusterInfoServer: api.url };
  const controlPlane = startControlPlaneThread({
    cfg: { ...cfg.controlPlane, controllers }, url: `https://${loopback.includes(':') ? `[${loopback}]` : loopback}:${api.port}`, logLevel: cfg.logLevel,
    credentials: { caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem },
  }, log);
  const kubeconfig = kubeconfigPath(cfg.dataDir);
  await writeAdminKubeconfig(kubeconfig, { server: api.url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const datastore = store.name;
  log.info({ address: api.url, datastore, kubeconfig }, 'k8ts server is serving');
  return {
    url: api.url,
    kubeconfig,
    stop: async () => {
      await controlPlane.stop();
      await api.close();
      await compactor.stop();
      await store.close();
      log.flush();
    },
  };
}

export async function runServer(f: ParsedFlags): Promise<number> {
  const cfg = serverConfig(f);
  const server = await startServer(cfg);
  await new Promise<void>((resolveStop) => {
    const onSignal = () => { process.off('SIGTERM', onSignal); process.off('SIGINT', onSignal); resolveStop(); };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await server.stop();
  return 0;
}
