// `k8ts server`: the control plane on one machine: PKI, datastore, API server, admin kubeconfig.
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ParsedFlags } from './flags.js';
export { serverCommand } from './server-spec.js';
import { FlagError } from './flags.js';
import { defaultDataDir, kubeconfigPath } from './data-dir.js';
import { createLogger } from './logger.js';
import { openStore, startCompactor, type Store } from '../storage/index.js';
import { ensureClusterPki, issueClientCert, writeAdminKubeconfig, x509Authenticator } from '../apiserver/auth/index.js';
import { DEFAULT_SERVICE_CIDR, startApiServer } from '../apiserver/server.js';
import { firstServiceIP, parseCidr } from '../apiserver/admission/service-allocation.js';
import { parseDuration, parseNonNegativeInt } from './durations.js';
import { enabledControllers, type ControlPlaneConfig } from './control-plane.js';
import { startControlPlaneThread } from './control-plane-thread.js';
import { writeFileAtomic } from '../machinery/write-file-atomic.js';
import { createClient } from '../client/index.js';
import { readIfExists, syncClusterCa } from './bootstrap-data.js';
import { formatServerToken, generateServerSecret, parseServerToken, type ServerToken } from './server-token.js';
import { apiServerLeaseName, startKubernetesEndpoints } from './kubernetes-endpoints.js';


export interface ServerConfig {
  dataDir: string;
  bindAddress: string;
  /** The IP listed for this server in the `kubernetes` Service's endpoints. */
  advertiseAddress: string;
  port: number;
  datastoreEndpoint: string;
  /** etcd TLS files ('' for none). */
  datastoreCaFile: string;
  datastoreCertFile: string;
  datastoreKeyFile: string;
  /** The server token ('' for none): --token, else the contents of --token-file. */
  token: string;
  tokenFile: string;
  serviceCidr: string;
  tlsSans: string[];
  logLevel: string;
  controlPlane: ControlPlaneConfig;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
  /** Timing of this server's lease behind the `kubernetes` endpoints (defaults 10 s and 15 s, as kube-apiserver). */
  apiserverLeaseRenewMs?: number;
  apiserverLeaseDurationMs?: number;
}

export function serverConfig(f: ParsedFlags): Readonly<ServerConfig> {
  const port = Number(f['https-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`--https-port: invalid port "${f['https-port']}"`);
  try { parseCidr(f['service-cidr'] ?? ''); } catch { throw new FlagError(`--service-cidr: invalid CIDR "${f['service-cidr']}"`); }
  const bindAddress = f['bind-address'] ?? '127.0.0.1';
  const advertiseAddress = f['advertise-address'] || defaultAdvertiseAddress(bindAddress);
  if (isIP(advertiseAddress) === 0) throw new FlagError(`--advertise-address: "${advertiseAddress}" is not an IP address`);
  const file = (name: string) => (f[name] ? resolve(f[name]) : '');
  return Object.freeze({
    dataDir: resolve(f['data-dir'] ?? defaultDataDir()),
    bindAddress,
    advertiseAddress,
    port,
    datastoreEndpoint: f['datastore-endpoint'] ?? '',
    datastoreCaFile: file('datastore-cafile'),
    datastoreCertFile: file('datastore-certfile'),
    datastoreKeyFile: file('datastore-keyfile'),
    token: f['token'] ?? '',
    tokenFile: file('token-file'),
    serviceCidr: f['service-cidr'] ?? DEFAULT_SERVICE_CIDR,
    tlsSans: (f['tls-san'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: f['log-level'] ?? 'info',
    controlPlane: controlPlaneConfig(f),
    defaultNotReadyTolerationSeconds: parseNonNegativeInt('default-not-ready-toleration-seconds', f['default-not-ready-toleration-seconds'] ?? '300'),
    defaultUnreachableTolerationSeconds: parseNonNegativeInt('default-unreachable-toleration-seconds', f['default-unreachable-toleration-seconds'] ?? '300'),
  });
}

/** The bind address when it is one; for a wildcard, this host's first external address (kube's ChooseHostInterface). */
export function defaultAdvertiseAddress(bindAddress: string): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::' && bindAddress !== '') return isIP(bindAddress) !== 0 ? bindAddress : '127.0.0.1';
  const family = bindAddress === '::' ? ['IPv4', 'IPv6'] : ['IPv4'];
  for (const fam of family) {
    for (const addrs of Object.values(networkInterfaces())) {
      const a = (addrs ?? []).find((x) => !x.internal && x.family === fam && !x.address.startsWith('fe80:'));
      if (a) return a.address;
    }
  }
  return '127.0.0.1';
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

export interface RunningServer { url: string; port: number; kubeconfig: string; stop(): Promise<void> }

/** Seams for tests: a datastore shared by servers of one process (the caller closes it). */
export interface ServerDeps { store?: Store }

const isSqliteEndpoint = (endpoint: string): boolean => endpoint === '' || endpoint.startsWith('sqlite:');
export const serverTokenPath = (dataDir: string): string => join(dataDir, 'token');

/**
 * The server token, if this server is one of a cluster sharing its datastore: --token, else
 * --token-file, else DATA/token from an earlier start; a first server on a datastore other than
 * SQLite generates one (k3s does the same). A lone SQLite server without any runs as before.
 */
async function resolveServerToken(cfg: Readonly<ServerConfig>): Promise<{ text: string; token: ServerToken; generated: boolean } | undefined> {
  const parse = (text: string, from: string) => {
    try { return { text: text.trim(), token: parseServerToken(text) }; } catch (e) { throw new FlagError(`${from}: ${e instanceof Error ? e.message : String(e)}`); }
  };
  if (cfg.token) return { ...parse(cfg.token, '--token'), generated: false };
  if (cfg.tokenFile) {
    const text = await readIfExists(cfg.tokenFile);
    if (text === undefined) throw new FlagError(`--token-file: ${cfg.tokenFile} does not exist`);
    return { ...parse(text, `--token-file ${cfg.tokenFile}`), generated: false };
  }
  const saved = await readIfExists(serverTokenPath(cfg.dataDir));
  if (saved !== undefined && saved.trim() !== '') return { ...parse(saved, serverTokenPath(cfg.dataDir)), generated: false };
  if (isSqliteEndpoint(cfg.datastoreEndpoint)) return undefined;
  const secret = generateServerSecret();
  return { text: secret, token: { secret }, generated: true };
}

/** Start everything; resolves once serving. */
export async function startServer(cfg: Readonly<ServerConfig>, deps: ServerDeps = {}): Promise<RunningServer> {
  const log = createLogger(cfg.logLevel, 'k8ts-server');
  await mkdir(cfg.dataDir, { recursive: true, mode: 0o700 });
  const ips = ['127.0.0.1', firstServiceIP(parseCidr(cfg.serviceCidr))];
  for (const ip of [cfg.bindAddress, cfg.advertiseAddress]) {
    if (ip !== '0.0.0.0' && ip !== '::' && !ips.includes(ip)) ips.push(ip);
  }
  const store = deps.store ?? await openStore(cfg.datastoreEndpoint, {
    dataDir: cfg.dataDir, logger: log,
    ...(cfg.datastoreCaFile ? { etcdCaFile: cfg.datastoreCaFile } : {}),
    ...(cfg.datastoreCertFile ? { etcdCertFile: cfg.datastoreCertFile } : {}),
    ...(cfg.datastoreKeyFile ? { etcdKeyFile: cfg.datastoreKeyFile } : {}),
  });
  const closeStore = deps.store ? async () => undefined : () => store.close();
  let pki;
  try {
    pki = await clusterPki(cfg, store, ips, log);
  } catch (e) {
    await closeStore();
    throw e;
  }
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
  const loopbackUrl = `https://${loopback.includes(':') ? `[${loopback}]` : loopback}:${api.port}`;
  const credentials = { caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem };
  // The CA signs approved CSRs (csrsigning) and is published in kube-public/cluster-info (bootstrapsigner).
  const controllers = { ...cfg.controlPlane.controllers, clusterSigningCertFile: pki.ca.certPath, clusterSigningKeyFile: pki.ca.keyPath, clusterInfoServer: api.url };
  const controlPlane = startControlPlaneThread({
    cfg: { ...cfg.controlPlane, controllers }, url: loopbackUrl, logLevel: cfg.logLevel, credentials,
  }, log);
  // Every server (not only the leader) lists itself in the `kubernetes` Service's endpoints.
  const selfClient = createClient({ server: loopbackUrl, ...credentials, userAgent: 'k8ts-server', maxSockets: 4 });
  const endpoints = startKubernetesEndpoints({
    client: selfClient, leaseName: apiServerLeaseName(hostname(), cfg.dataDir), hostname: hostname(),
    address: cfg.advertiseAddress, port: api.port, log,
    ...(cfg.apiserverLeaseRenewMs !== undefined ? { renewIntervalMs: cfg.apiserverLeaseRenewMs } : {}),
    ...(cfg.apiserverLeaseDurationMs !== undefined ? { leaseDurationMs: cfg.apiserverLeaseDurationMs } : {}),
  });
  const kubeconfig = kubeconfigPath(cfg.dataDir);
  await writeAdminKubeconfig(kubeconfig, { server: api.url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const datastore = store.name;
  log.info({ address: api.url, datastore, kubeconfig }, 'k8ts server is serving');
  return {
    url: api.url,
    port: api.port,
    kubeconfig,
    stop: async () => {
      await endpoints.stop();
      selfClient.close();
      await controlPlane.stop();
      await api.close();
      await compactor.stop();
      await closeStore();
      log.flush();
    },
  };
}

/**
 * The PKI under DATA/tls. A server with a token first takes the cluster CA from the datastore's
 * bootstrap data (or stores its own there when it is the first), then issues its own serving and
 * admin certificates from it; its token is kept in DATA/token in full form.
 */
async function clusterPki(cfg: Readonly<ServerConfig>, store: Store, ips: string[], log: Logger) {
  const resolved = await resolveServerToken(cfg);
  const tlsDir = join(cfg.dataDir, 'tls');
  if (resolved) await syncClusterCa(store, resolved.text, tlsDir, log);
  const pki = await ensureClusterPki(cfg.dataDir, { hostnames: ['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', ...cfg.tlsSans], ips });
  if (resolved) {
    const path = serverTokenPath(cfg.dataDir);
    const full = formatServerToken(resolved.token.secret, pki.ca.certPem);
    if ((await readIfExists(path))?.trim() !== full) await writeFileAtomic(path, `${full}\n`, 0o600);
    if (resolved.generated) log.info({ tokenFile: path }, 'generated the server token: other servers join this datastore with --token-file (a copy of) this file');
  }
  return pki;
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
