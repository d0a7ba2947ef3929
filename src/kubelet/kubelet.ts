// startKubelet: one node's kubelet. It registers the Node and heartbeats, watches the pods bound to
// it, and runs them through CRI: a work queue keyed by pod uid (one sync of a pod at a time), woken
// by API changes, by the runtime's own changes (a relist every second, kubelet's PLEG, since
// containerd 1.6 has no container events), by probe results, and by a periodic resync.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { R, createEventRecorder, createInformerFactory, createWorkQueue } from '../client/index.js';
import type { ApiClient } from '../client/types.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { isStatusError } from '../machinery/errors.js';
import { runWorkers } from '../controllers/runtime/workers.js';
import type { ConfigMap, NodeObject, Pod, Secret, Service } from './api-types.js';
import { NodeAgent } from './node/agent.js';
import { readMachine } from './node/status.js';
import { Backoff } from './pods/backoff.js';
import { RuntimeReader } from './pods/runtime-state.js';
import { PodWorker, type PodProbes, type PodVolumes } from './pods/worker.js';
import { CriClient, type StatusResponse } from './runtime/cri/index.js';

export interface KubeletOptions {
  client: ApiClient;
  nodeName: string;
  /** The node's InternalIP (pods' hostIP; where the API server reaches the kubelet). */
  nodeIP: string;
  hostname?: string;
  /** CRI endpoint, e.g. unix:///run/k8ts/containerd/containerd.sock. */
  criEndpoint: string;
  /** Kubelet state: <rootDir>/pods/<uid>/... */
  rootDir: string;
  podLogsDir?: string;        // /var/log/pods
  containerLogsDir?: string;  // /var/log/containers
  cgroupRoot?: string;        // /k8ts-pods
  /** The port reported in daemonEndpoints (where the kubelet server listens). */
  kubeletPort: number;
  maxPods?: number;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  heartbeatMs?: number;       // 10s
  statusReportMs?: number;    // 5m
  relistMs?: number;          // 1s
  resyncMs?: number;          // 10s
  crashBackoffBaseMs?: number; // 10s
  clusterDns?: string;
  clusterDomain?: string;
  /** Pods synced at once (kubelet: one goroutine per pod; syncs mostly wait on the runtime). Default 32. */
  workers?: number;
  /** Builds the volume manager and prober (they live in their own parts). */
  volumes(d: { client: ApiClient; podsDir: string; log: Logger; clock: Clock }): PodVolumes & { start?(signal: AbortSignal): void };
  probes(d: { cri: CriClient; log: Logger; clock: Clock; wake(uid: string): void; hostIP: string; pods(uid: string): Pod | undefined; events: ReturnType<typeof createEventRecorder> }): PodProbes & { stop?(): void };
  /** Called with the node's podCIDR once the server has allocated it (the pod network is configured from it). */
  onPodCidr?(cidr: string): Promise<void>;
  log?: Logger;
  clock?: Clock;
}

export interface Kubelet {
  readonly cri: CriClient;
  /** Pods bound to this node, by uid (from the API). */
  pod(uid: string): Pod | undefined;
  podByName(namespace: string, name: string): Pod | undefined;
  pods(): Pod[];
  reader: RuntimeReader;
  /** Stops the kubelet; pods keep running (a restarted kubelet adopts them). */
  stop(): Promise<void>;
}

function resolvConf(): { servers: string[]; searches: string[]; options: string[] } {
  let text = '';
  try { text = readFileSync('/etc/resolv.conf', 'utf8'); } catch { /* none */ }
  const out = { servers: [] as string[], searches: [] as string[], options: [] as string[] };
  for (const line of text.split('\n')) {
    const [k, ...v] = line.trim().split(/\s+/);
    if (k === 'nameserver' && v[0]) out.servers.push(v[0]);
    else if (k === 'search') out.searches.push(...v);
    else if (k === 'options') out.options.push(...v);
  }
  return out;
}

/** Whether an update of a pod asks something of the kubelet (not just its own status coming back). */
export function needsSync(old: Pod, cur: Pod): boolean {
  const m = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, ...rest } = p.metadata ?? {};
    return rest;
  };
  if (JSON.stringify(old.spec) !== JSON.stringify(cur.spec) || JSON.stringify(m(old)) !== JSON.stringify(m(cur))) return true;
  const gates = new Set((cur.spec.readinessGates ?? []).map((g) => g.conditionType));
  if (!gates.size) return false;
  const gated = (p: Pod) => JSON.stringify((p.status?.conditions ?? []).filter((c) => gates.has(c.type)).map((c) => [c.type, c.status]));
  return gated(old) !== gated(cur);
}

export async function startKubelet(o: KubeletOptions): Promise<Kubelet> {
  const clock = o.clock ?? realClock;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'kubelet', node: o.nodeName });
  const abort = new AbortController();
  const cri = new CriClient(o.criEndpoint);
  const podsDir = join(o.rootDir, 'pods');
  await mkdir(podsDir, { recursive: true });
  const machine = readMachine(o.rootDir);
  const version = await cri.version();
  const runtimeVersion = `${version.runtime_name}://${version.runtime_version}`;
  const reader = new RuntimeReader(cri, o.nodeName);
  const events = createEventRecorder(o.client, { component: 'kubelet', host: o.nodeName }, { clock, log });

  const informers = createInformerFactory(o.client, { clock, log });
  const podInf = informers.informerFor<Pod>(R.pods, { fieldSelector: `spec.nodeName=${o.nodeName}` });
  const nodeInf = informers.informerFor<NodeObject>(R.nodes, { fieldSelector: `metadata.name=${o.nodeName}` });
  const svcInf = informers.informerFor<Service>(R.services);
  const byUid = new Map<string, Pod>();
  const queue = createWorkQueue({ clock, maxDelayMs: 30_000 });
  const wake = (uid: string) => { if (uid) queue.add(uid); };

  podInf.on({
    add: (p) => { byUid.set(p.metadata?.uid ?? '', p as Pod); wake(p.metadata?.uid ?? ''); },
    // Status-only changes (mostly this kubelet's own writes) need no sync, as kubelet's config
    // source ignores them; a readiness gate's condition set by someone else does.
    update: (old, p) => { byUid.set(p.metadata?.uid ?? '', p as Pod); if (needsSync(old as Pod, p as Pod)) wake(p.metadata?.uid ?? ''); },
    delete: (p) => { byUid.delete(p.metadata?.uid ?? ''); wake(p.metadata?.uid ?? ''); },
  });

  let podCidr: string | undefined;
  let networkError: string | undefined;
  const onNode = (n: Readonly<NodeObject>) => {
    const cidr = n.spec?.podCIDRs?.[0] ?? n.spec?.podCIDR;
    if (!cidr || cidr === podCidr || !o.onPodCidr) { if (cidr) podCidr = cidr; return; }
    podCidr = cidr;
    o.onPodCidr(cidr).then(() => { networkError = undefined; void settle(); }, (e: unknown) => {
      networkError = `pod network not configured: ${e instanceof Error ? e.message : String(e)}`;
      log.error({ err: e, cidr }, 'pod network configuration failed');
    });
  };
  nodeInf.on({ add: onNode, update: (_o, n) => onNode(n) });

  const hostIP = () => o.nodeIP;
  const volumes = o.volumes({ client: o.client, podsDir, log, clock });
  const probes = o.probes({ cri, log, clock, wake, hostIP: o.nodeIP, pods: (uid) => byUid.get(uid), events });
  const get = async <T>(ref: typeof R.configmaps, ns: string, name: string): Promise<T | undefined> => {
    try { return await o.client.get(ref, ns, name) as T; } catch (e) { if (isStatusError(e) && e.code === 404) return undefined; throw e; }
  };
  const worker = new PodWorker({
    client: o.client, cri, reader, clock, log, events, volumes, probes,
    sandbox: {
      nodeName: o.nodeName, hostname: o.hostname ?? osHostname(), podLogsDir: o.podLogsDir ?? '/var/log/pods',
      cgroupRoot: o.cgroupRoot ?? '/k8ts-pods', dns: resolvConf(), clusterDomain: o.clusterDomain ?? 'cluster.local',
      ...(o.clusterDns ? { clusterDns: o.clusterDns } : {}),
    },
    nodeName: o.nodeName, hostIP, podsDir,
    containerLogsDir: o.containerLogsDir ?? '/var/log/containers',
    memoryCapacity: machine.memoryBytes,
    crashBackoff: new Backoff(o.crashBackoffBaseMs ?? 10_000, 300_000),
    env: {
      configMap: (ns, name) => get<ConfigMap>(R.configmaps, ns, name),
      secret: (ns, name) => get<Secret>(R.secrets, ns, name),
      services: async (ns) => svcInf.lister.list().filter((s) => s.metadata?.namespace === ns || (s.metadata?.namespace === 'default' && s.metadata.name === 'kubernetes')) as Service[],
      allocatable: { cpuMilli: machine.cpu * 1000, memoryBytes: machine.memoryBytes, ephemeralBytes: machine.ephemeralBytes },
    },
  });

  let runtimeStatus: StatusResponse | undefined;
  const node = new NodeAgent({
    client: o.client, clock, log, name: o.nodeName,
    ...(o.labels ? { labels: o.labels } : {}), ...(o.taints ? { taints: o.taints } : {}),
    heartbeatMs: o.heartbeatMs ?? 10_000, statusReportMs: o.statusReportMs ?? 5 * 60_000,
    stored: () => nodeInf.lister.get(o.nodeName) as NodeObject | undefined,
    observe: async () => {
      try { runtimeStatus = await cri.status(); } catch { runtimeStatus = undefined; }
      const images = await cri.listImages().catch(() => []);
      return {
        machine, maxPods: o.maxPods ?? 110, nodeIP: o.nodeIP, hostname: o.hostname ?? osHostname(), kubeletPort: o.kubeletPort,
        runtimeVersion, runtimeStatus, images, ...(networkError ? { notReady: networkError } : {}),
      };
    },
  });
  // Once the pod network is configured the runtime reports NetworkReady within moments: post the
  // Ready status as soon as it does rather than at the next heartbeat.
  const networkReady = () => runtimeStatus?.status?.conditions.some((c) => c.type === 'NetworkReady' && c.status) ?? false;
  async function settle(): Promise<void> {
    for (let i = 0; i < 60 && !abort.signal.aborted; i++) {
      await node.postStatus().catch((e: unknown) => log.debug({ err: e }, 'node status update failed'));
      if (networkReady()) return;
      await clock.sleep(250, abort.signal).catch(() => undefined);
    }
  }
  await node.register();
  await node.renewLease();

  informers.start(abort.signal);
  await informers.synced();

  const workers = runWorkers({
    name: 'kubelet-pods', queue, workers: o.workers ?? 32, log, signal: abort.signal,
    reconcile: (uid) => worker.sync(uid, byUid.get(uid)),
  });

  // PLEG: relist the runtime; a pod whose sandboxes/containers changed gets a sync.
  const relist = async () => {
    let last = new Map<string, string>();
    while (!abort.signal.aborted) {
      try {
        const now = await reader.fingerprints();
        for (const [uid, fp] of now) if (last.get(uid) !== fp) wake(uid);
        for (const uid of last.keys()) if (!now.has(uid)) wake(uid);
        last = now;
      } catch (e) {
        log.debug({ err: e }, 'relist failed');
      }
      await clock.sleep(o.relistMs ?? 1000, abort.signal).catch(() => undefined);
    }
  };
  const resync = async () => {
    while (!abort.signal.aborted) {
      await clock.sleep(o.resyncMs ?? 10_000, abort.signal).catch(() => undefined);
      for (const uid of byUid.keys()) wake(uid);
    }
  };
  volumes.start?.(abort.signal);
  const loops = Promise.all([relist(), resync(), node.run(abort.signal)]);
  log.info({ pods: byUid.size }, 'kubelet started');

  return {
    cri, reader,
    pod: (uid) => byUid.get(uid),
    podByName: (ns, name) => podInf.lister.get(`${ns}/${name}`) as Pod | undefined,
    pods: () => [...byUid.values()],
    async stop() {
      abort.abort();
      await Promise.all([workers, loops]);
      probes.stop?.();
      await events.flush().catch(() => undefined);
      cri.close();
    },
  };
}
