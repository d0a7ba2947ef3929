// startSimNodes: one process, many hollow nodes. Two shared informers (all nodes; all bound pods),
// two work queues with bounded workers (node heartbeats/status; pods), so thousands of nodes cost
// a few hundred bytes each plus their pods, and writes never exceed nodeWorkers + podWorkers.
import pino from 'pino';
import { R, createInformerFactory, createWorkQueue, INDEX_NODE, objectKey } from '../../../client/index.js';
import { realClock } from '../../../machinery/clock.js';
import { runWorkers } from '../../../controllers/runtime/workers.js';
import { addressAt, cidrSize, parseCidr, type Ipv4Cidr } from '../../../controllers/nodeipam/cidr.js';
import { runtimeId } from './node-object.js';
import { NodeAgent, nodeKey, type NodeState } from './node-agent.js';
import { PodRunner } from './pod-runner.js';
import { PodIpPool } from './ip-pool.js';
import type { SimNodeObject, SimNodeSpec, SimNodes, SimOptions, SimPod } from './types.js';

export const SIM_DEFAULTS = Object.freeze({
  heartbeatMs: 10_000,
  statusReportMs: 5 * 60_000,
  podStartDelayMs: 1_000,
  terminationGraceCapMs: 1_000,
  crashLoopBackoffMs: 10_000,
  nodeWorkers: 16,
  podWorkers: 32,
  nodeIpCidr: '172.20.0.0/16',
  fallbackPodCidr: '10.64.0.0/10',
});

/** The /24 of the fallback range for the node with this index. */
function fallbackCidr(range: Ipv4Cidr, index: number): Ipv4Cidr {
  const count = Math.max(1, Math.floor(cidrSize(range) / 256));
  return { base: range.base + (index % count) * 256, bits: 24 };
}

export async function startSimNodes(o: SimOptions): Promise<SimNodes> {
  const clock = o.clock ?? realClock;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'sim' });
  const cfg = {
    heartbeatMs: o.heartbeatMs ?? SIM_DEFAULTS.heartbeatMs,
    statusReportMs: o.statusReportMs ?? SIM_DEFAULTS.statusReportMs,
    podStartDelayMs: o.podStartDelayMs ?? SIM_DEFAULTS.podStartDelayMs,
    terminationGraceCapMs: o.terminationGraceCapMs ?? SIM_DEFAULTS.terminationGraceCapMs,
    crashLoopBackoffMs: o.crashLoopBackoffMs ?? SIM_DEFAULTS.crashLoopBackoffMs,
  };
  const nodeIps = parseCidr(o.nodeIpCidr ?? SIM_DEFAULTS.nodeIpCidr);
  const podRange = parseCidr(o.fallbackPodCidr ?? SIM_DEFAULTS.fallbackPodCidr);
  const bootSeed = `${process.pid}/${clock.now()}`;
  const abort = new AbortController();
  const states = new Map<string, NodeState>();

  const informers = createInformerFactory(o.client, { clock, log });
  const nodes = informers.informerFor<SimNodeObject>(R.nodes);
  // One watch for every pod bound anywhere; pods of nodes that are not ours are skipped by name.
  const pods = informers.informerFor<SimPod>(R.pods, { fieldSelector: 'spec.nodeName!=' });

  const nodeQueue = createWorkQueue({ clock, maxDelayMs: 10_000 });
  const podQueue = createWorkQueue({ clock, maxDelayMs: 30_000 });
  const agent = new NodeAgent({ client: o.client, clock, log, queue: nodeQueue, nodes: nodes.lister, states, heartbeatMs: cfg.heartbeatMs, statusReportMs: cfg.statusReportMs });
  const runner = new PodRunner({
    client: o.client, clock, log, pods: pods.lister, states,
    startDelayMs: cfg.podStartDelayMs, terminationGraceCapMs: cfg.terminationGraceCapMs, crashLoopBackoffMs: cfg.crashLoopBackoffMs,
  });

  const stopNode = (name: string, why = 'stopped'): void => {
    const st = states.get(name);
    if (!st?.alive) return;
    st.alive = false;
    for (const w of st.waiters.splice(0)) w.reject(new Error(`sim node ${name} ${why}`));
    log.info({ node: name, why }, 'sim node stopped');
  };

  nodes.on({
    add: (n) => onNode(n),
    update: (_o, n) => onNode(n),
    delete: (n) => {
      const name = n.metadata?.name ?? '';
      // The kubelet registers once: a Node deleted under it is gone for good (its pods are orphans).
      if (states.get(name)?.registered) stopNode(name, 'deleted from the API');
    },
  });
  function onNode(n: Readonly<SimNodeObject>): void {
    const st = states.get(n.metadata?.name ?? '');
    if (!st?.alive) return;
    st.pool.useCidr(n.spec?.podCIDRs?.[0] ?? n.spec?.podCIDR);
    if (st.registered) nodeQueue.add(nodeKey(st.id.spec.name)); // re-checks the status it shows
  }

  pods.on({
    add: (p) => { if (runner.nodeOf(p)) { const k = objectKey(p); runner.observe(k, p); podQueue.add(k); } },
    update: (_o, p) => { if (runner.nodeOf(p)) podQueue.add(objectKey(p)); },
    delete: (p) => runner.forget(objectKey(p), p),
  });

  informers.start(abort.signal);
  await informers.synced();

  const workers = Promise.all([
    runWorkers({ name: 'sim-nodes', queue: nodeQueue, workers: o.nodeWorkers ?? SIM_DEFAULTS.nodeWorkers, reconcile: (k) => agent.reconcile(k), log, signal: abort.signal }),
    runWorkers({ name: 'sim-pods', queue: podQueue, workers: o.podWorkers ?? SIM_DEFAULTS.podWorkers, reconcile: (k) => runner.reconcile(k), log, signal: abort.signal }),
  ]);

  let nextIndex = 0;
  const addNode = (spec: SimNodeSpec): Promise<void> => {
    if (abort.signal.aborted) return Promise.reject(new Error('sim stopped'));
    let st = states.get(spec.name);
    if (st?.alive) return Promise.reject(new Error(`sim node ${spec.name} is already running`));
    if (!st) {
      const index = nextIndex++;
      st = {
        id: { spec: { ...spec }, internalIP: addressAt(nodeIps, 1 + (index % (cidrSize(nodeIps) - 2))), bootID: runtimeId('boot', bootSeed, spec.name).slice(0, 32) },
        pool: new PodIpPool(fallbackCidr(podRange, index)),
        alive: true, registered: false, lastStatusAt: 0, waiters: [],
      };
      states.set(spec.name, st);
    } else {
      // Revived after stopNode: same identity, a new life (register again, post status, renew the Lease).
      st.alive = true;
      st.registered = false;
      st.lastStatusAt = 0;
    }
    const live = st;
    const existing = nodes.lister.get(spec.name);
    live.pool.useCidr(existing?.spec?.podCIDRs?.[0] ?? existing?.spec?.podCIDR);
    for (const p of pods.lister.byIndex(INDEX_NODE, spec.name)) { const k = objectKey(p); runner.observe(k, p); podQueue.add(k); }
    const registered = new Promise<void>((resolve, reject) => live.waiters.push({ resolve, reject }));
    nodeQueue.add(nodeKey(spec.name));
    return registered;
  };

  try {
    await Promise.all((o.nodes ?? []).map((n) => addNode(n)));
  } catch (e) {
    abort.abort();
    await workers;
    throw e;
  }
  log.info({ nodes: states.size }, 'sim nodes registered');

  return {
    nodeNames: () => [...states.values()].filter((s) => s.alive).map((s) => s.id.spec.name),
    addNode,
    stopNode: (name) => stopNode(name),
    async stop() {
      for (const name of states.keys()) stopNode(name, 'stopped with the process');
      abort.abort();
      await workers;
    },
  };
}

