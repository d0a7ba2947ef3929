// bench/scheduler: scheduling throughput and creation→binding latency of k8ts's scheduler on 1,000 and
// 5,000 hollow nodes (Ready Node objects with allocatable, as kwok / scheduler_perf create them), for
// the workload shapes of kube-scheduler's own benchmark (test/integration/scheduler_perf):
//   SchedulingBasic            plain pods (100m cpu, 500Mi)                       floor 680 pods/s
//   SchedulingPodAntiAffinity  required anti-affinity on kubernetes.io/hostname   floor  60 pods/s
//   TopologySpreading          maxSkew 5 over 3 zones, DoNotSchedule             floor 460 pods/s
// kube's floors are its CI thresholds for 5,000 nodes on many-core machines; the target here is 2× the
// SchedulingBasic floor (1,360 pods/s) on this 2-core machine.
//
// `k8ts server` runs as a child process with the controllers disabled. The scheduler runs either in
// this process, against the server over HTTPS through the client library (--scheduler bench: the
// server started with --disable-scheduler; as a separate kube-scheduler process would), or inside the
// server as `k8ts server` runs it (--scheduler server). Pods are created concurrently while the
// scheduler works, as scheduler_perf does; creation → binding is timed from the create's answer to
// the watch event showing spec.nodeName. Prints a table and writes bench/results/scheduler.json.
// Usage: node dist/bench/scheduler/main.js [--quick] [--nodes 1000,5000] [--workloads basic,anti,spread]
//        [--pods N] [--scheduler bench,server] [--bindings N]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createClient, createEventRecorder, createInformerFactory, loadKubeconfig, R, type ApiClient } from '../../src/client/index.js';
import type { ControllerContext } from '../../src/controllers/runtime/types.js';
import { realClock } from '../../src/machinery/clock.js';
import type { KubeObject } from '../../src/machinery/object.js';
import { createScheduler } from '../../src/scheduler/index.js';
import { call, startServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { percentile, printTable } from '../lib/stats.js';
import { measureCycles, type CyclesResult } from './cycles.js';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const NODE_COUNTS = (arg('nodes') ?? (quick ? '1000' : '1000,5000')).split(',').map(Number);
const WORKLOADS = (arg('workloads') ?? 'basic,anti,spread').split(',');
const MEASURED = Number(arg('pods') ?? (quick ? 2000 : 10_000));
const CREATE_CONCURRENCY = 64;
const BINDINGS_IN_FLIGHT = arg('bindings') ? Number(arg('bindings')) : undefined;
type SchedulerIn = 'bench' | 'server';
/**
 * Where the scheduler runs: 'bench' — in this process, its own process as far as the server is
 * concerned (as kube-scheduler is); 'server' — inside `k8ts server`, as it runs by default, sharing
 * the API server's thread. Both by default; the quick run only 'bench'.
 */
const SCHEDULER_MODES = (arg('scheduler') ?? (quick ? 'bench' : 'bench,server')).split(',') as SchedulerIn[];
for (const m of SCHEDULER_MODES) if (m !== 'bench' && m !== 'server') throw new Error('--scheduler: bench and/or server');

const progress = (msg: string): void => { process.stderr.write(`[bench/scheduler] ${msg}\n`); };

// ---- objects (shapes of scheduler_perf's templates/node-default.yaml, pod-default.yaml, ...) ----

const ZONES = ['moon-1', 'moon-2', 'moon-3'];

function node(i: number): KubeObject {
  const name = `hollow-${i}`;
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': ZONES[i % ZONES.length] as string, type: 'hollow' } },
    spec: {},
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }], phase: 'Running' },
  };
}

const container = { name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } } };

function plainPod(name: string): KubeObject {
  return { metadata: { name }, spec: { containers: [container] } };
}

/** templates/pod-with-pod-anti-affinity.yaml, split into groups so 10,000 pods can fit: one pod of a group per node. */
function antiAffinityPod(name: string, group: number): KubeObject {
  const labels = { color: 'green', group: `g${group}` };
  return {
    metadata: { name, labels },
    spec: {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-1', 'sched-0'] }] } },
      containers: [container],
    },
  };
}

/** templates/pod-with-topology-spreading.yaml. */
function spreadPod(name: string): KubeObject {
  return {
    metadata: { name, labels: { color: 'blue' } },
    spec: {
      topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }],
      containers: [container],
    },
  };
}

interface Workload {
  key: string;
  name: string;
  kubeCase: string;
  floor: number;
  target?: number;
  /** Pods created (and scheduled) before the measurement. */
  initPods(nodes: number): number;
  initNamespace: string;
  initPod(i: number, nodes: number): KubeObject;
  measuredNamespace: string;
  measuredPod(i: number, nodes: number): KubeObject;
  note: string;
}

/** Anti-affinity group size: half the nodes (kube's case fills 60% of 5,000 nodes with one group). */
const groupSize = (nodes: number): number => Math.max(1, Math.floor(nodes / 2));

const WORKLOAD_DEFS: Record<string, Workload> = {
  basic: {
    key: 'basic', name: 'SchedulingBasic', kubeCase: '5000Nodes_10000Pods', floor: 680, target: 1360,
    initPods: (n) => Math.min(1000, n), initNamespace: 'sched-0', initPod: (i) => plainPod(`init-${i}`),
    measuredNamespace: 'sched-1', measuredPod: (i) => plainPod(`pod-${i}`),
    note: 'plain pods',
  },
  anti: {
    key: 'anti', name: 'SchedulingPodAntiAffinity', kubeCase: '5000Nodes_2000Pods', floor: 60,
    initPods: (n) => Math.min(1000, groupSize(n)), initNamespace: 'sched-0', initPod: (i, n) => antiAffinityPod(`init-${i}`, Math.floor(i / groupSize(n))),
    measuredNamespace: 'sched-1',
    // Measured pods continue the groups after the init pods (group g0 holds the init pods first).
    measuredPod: (i, n) => antiAffinityPod(`pod-${i}`, Math.floor((i + Math.min(1000, groupSize(n))) / groupSize(n))),
    note: 'required anti-affinity on hostname within groups of nodes/2 pods',
  },
  spread: {
    key: 'spread', name: 'TopologySpreading', kubeCase: '5000Nodes_5000Pods', floor: 460,
    initPods: (n) => n, initNamespace: 'sched-0', initPod: (i) => plainPod(`init-${i}`),
    measuredNamespace: 'sched-1', measuredPod: (i) => spreadPod(`pod-${i}`),
    note: 'maxSkew 5 over 3 zones, DoNotSchedule',
  },
};

// ---- helpers ----

async function pool(concurrency: number, total: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      await op(i);
    }
  }));
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string, report?: () => string): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  while (!check()) {
    if (Date.now() > deadline) { progress(`timed out waiting for ${what}`); return false; }
    if (report && Date.now() - lastReport >= 1000) { progress(report()); lastReport = Date.now(); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function serverArgs(schedulerIn: SchedulerIn): string[] {
  try {
    const help = execFileSync(process.execPath, [join(repoRoot, 'bin', 'k8ts'), 'server', '--help'], { encoding: 'utf8' });
    const args: string[] = [];
    if (schedulerIn === 'server' && !help.includes('--disable-scheduler')) throw new Error('this k8ts server does not run a scheduler (no --disable-scheduler flag)');
    if (schedulerIn === 'bench' && help.includes('--disable-scheduler')) args.push('--disable-scheduler');
    if (help.includes('--disable-controllers')) args.push('--disable-controllers', 'all');
    if (help.includes('--leader-elect')) args.push('--leader-elect=false');
    return args;
  } catch (e) {
    if (schedulerIn === 'server') throw e;
    return [];
  }
}

/** Creates through the bench's own keep-alive agent (not the scheduler's client), expecting 201. */
async function create(s: ServerProcess, path: string, obj: KubeObject): Promise<void> {
  const r = await call(s, 'POST', path, obj);
  if (r.status !== 201) throw new Error(`POST ${path}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
}

/** SIGTERM, then SIGKILL if the server has not exited within 5 s. */
async function stopServer(s: ServerProcess): Promise<void> {
  s.agent.destroy();
  const child = s.child;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => { progress('server slow to exit after SIGTERM; killing it'); child.kill('SIGKILL'); }, 5000);
  await exited;
  clearTimeout(t);
}

function rssMiB(): number { return process.memoryUsage().rss / 1024 / 1024; }

/** Checks the placements obey the workload's rules; returns the violations found (empty: valid). */
function verify(w: Workload, pods: readonly Readonly<KubeObject>[]): string[] {
  const errors: string[] = [];
  const perNode = new Map<string, number>();
  const groupNodes = new Set<string>();
  const zoneCounts = new Map<string, number>();
  for (const p of pods) {
    const n = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!n) continue;
    perNode.set(n, (perNode.get(n) ?? 0) + 1);
    const labels = p.metadata?.labels ?? {};
    if (w.key === 'anti' && labels.group) {
      const k = `${labels.group}@${n}`;
      if (groupNodes.has(k)) errors.push(`two pods of ${labels.group} on ${n}`);
      groupNodes.add(k);
    }
    if (w.key === 'spread' && labels.color === 'blue') {
      const zone = ZONES[Number(n.slice('hollow-'.length)) % ZONES.length] as string;
      zoneCounts.set(zone, (zoneCounts.get(zone) ?? 0) + 1);
    }
  }
  for (const [n, c] of perNode) if (c > 110) errors.push(`${n} holds ${c} pods > 110`);
  if (w.key === 'spread') {
    const counts = ZONES.map((z) => zoneCounts.get(z) ?? 0);
    if (Math.max(...counts) - Math.min(...counts) > 5) errors.push(`zone skew ${counts.join('/')} > 5`);
  }
  return errors.slice(0, 5);
}

interface CaseResult {
  schedulerIn: SchedulerIn;
  workload: string; kubeCase: string; nodes: number; initPods: number; pods: number; bound: number;
  podsPerSecond: number; createPerSecond: number; p50Ms: number; p99Ms: number; maxMs: number;
  floor: number; target?: number; met: boolean; violations: string[];
  serverRssMiB: number; benchRssMiB: number; scheduler: unknown;
}

async function runCase(w: Workload, nodes: number, schedulerIn: SchedulerIn): Promise<CaseResult> {
  const extraArgs = serverArgs(schedulerIn);
  const dir = mkdtempSync(join(repoRoot, 'bench', 'results', 'tmp-sched-'));
  let server: ServerProcess | undefined;
  const abort = new AbortController();
  const clients: ApiClient[] = [];
  let running: Promise<void> | undefined;
  try {
    server = await startServerProcess(repoRoot, join(dir, 'data'), extraArgs);
    const kc = loadKubeconfig(join(dir, 'data', 'kubeconfig.yaml'));
    const s = server;
    const schedClient = createClient({ ...kc, userAgent: schedulerIn === 'bench' ? 'k8ts-scheduler' : 'bench-scheduler-watch' });
    clients.push(schedClient);
    for (const ns of ['sched-0', 'sched-1']) await create(s, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const podsPath = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
    const withKind = (p: KubeObject): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', ...p });

    const t0Nodes = performance.now();
    await pool(CREATE_CONCURRENCY, nodes, async (i) => { await create(s, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', ...node(i) }); });
    progress(`${w.name}: ${nodes} nodes created in ${((performance.now() - t0Nodes) / 1000).toFixed(1)} s`);

    // The scheduler, through the client library, with its own informers (or the server's own).
    const log = pino({ level: process.env.K8TS_BENCH_LOG ?? 'warn' });
    const informers = createInformerFactory(schedClient, { log });
    const ctx: ControllerContext = {
      client: schedClient, informers, clock: realClock, log,
      events: createEventRecorder(schedClient, { component: 'default-scheduler' }, { log }), config: {},
    };
    const scheduler = schedulerIn === 'bench' ? createScheduler(ctx, BINDINGS_IN_FLIGHT ? { maxBindingsInFlight: BINDINGS_IN_FLIGHT } : {}) : undefined;
    const stats = () => scheduler?.stats();
    // The bench's watch: when each pod was first seen bound (the same informer the scheduler uses).
    const boundAt = new Map<string, number>();
    const podKey = (p: KubeObject) => `${p.metadata?.namespace}/${p.metadata?.name}`;
    const nodeName = (p: KubeObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName;
    informers.informerFor<KubeObject>(R.pods).on({
      add: (p) => { if (nodeName(p) && !boundAt.has(podKey(p))) boundAt.set(podKey(p), performance.now()); },
      update: (_o, p) => { if (nodeName(p) && !boundAt.has(podKey(p))) boundAt.set(podKey(p), performance.now()); },
    });
    running = scheduler?.run(abort.signal);
    informers.start(abort.signal);
    await informers.synced();
    if (scheduler) await waitFor(() => scheduler.stats().nodes === nodes, 60_000, 'nodes in the scheduler cache');

    const initCount = w.initPods(nodes);
    const t0Init = performance.now();
    await pool(CREATE_CONCURRENCY, initCount, async (i) => { await create(s, podsPath(w.initNamespace), withKind(w.initPod(i, nodes))); });
    await waitFor(() => boundAt.size >= initCount, 120_000, 'init pods bound', () => `init: ${boundAt.size}/${initCount} bound`);
    progress(`${w.name}: ${initCount} init pods scheduled in ${((performance.now() - t0Init) / 1000).toFixed(1)} s`);

    // Measured: create MEASURED pods concurrently while the scheduler binds them.
    const before = boundAt.size;
    const createdAt = new Map<string, number>();
    const t0 = performance.now();
    let lastCreate = t0;
    const creating = pool(CREATE_CONCURRENCY, MEASURED, async (i) => {
      const p = w.measuredPod(i, nodes);
      await create(s, podsPath(w.measuredNamespace), withKind(p));
      const now = performance.now();
      createdAt.set(`${w.measuredNamespace}/${p.metadata?.name}`, now);
      lastCreate = now;
    });
    const measuredBound = () => boundAt.size - before;
    const ticker = setInterval(() => progress(`  t=${((performance.now() - t0) / 1000).toFixed(1)}s created ${createdAt.size} bound ${measuredBound()} sched ${JSON.stringify(stats() ?? {})}`), 500);
    await creating;
    clearInterval(ticker);
    const ok = await waitFor(() => measuredBound() >= MEASURED, quick ? 120_000 : 600_000, 'measured pods bound',
      () => `${w.name} ${nodes} nodes: ${measuredBound()}/${MEASURED} bound, queue ${JSON.stringify(stats()?.queue ?? {})}`);
    const lat: number[] = [];
    let lastBound = t0;
    for (const [k, c] of createdAt) {
      const b = boundAt.get(k);
      if (b === undefined) continue;
      lat.push(Math.max(0, b - c));
      if (b > lastBound) lastBound = b;
    }
    lat.sort((a, b) => a - b);
    const bound = lat.length;
    const wallS = (lastBound - t0) / 1000;
    const podsPerSecond = bound / wallS;
    const violations = verify(w, informers.informerFor<KubeObject>(R.pods).lister.list());
    if (violations.length) progress(`${w.name}: placement violations: ${violations.join('; ')}`);
    const target = w.target ?? w.floor;
    const res: CaseResult = {
      schedulerIn: schedulerIn, workload: w.name, kubeCase: w.kubeCase, nodes, initPods: initCount, pods: MEASURED, bound,
      podsPerSecond, createPerSecond: MEASURED / ((lastCreate - t0) / 1000),
      p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), maxMs: lat[lat.length - 1] ?? NaN,
      floor: w.floor, ...(w.target ? { target: w.target } : {}), met: ok && violations.length === 0 && podsPerSecond >= target, violations,
      serverRssMiB: server.rssMiB(), benchRssMiB: rssMiB(), scheduler: stats() ?? 'in the server',
    };
    progress(`${w.name} ${nodes} nodes (scheduler in ${schedulerIn}): ${bound}/${MEASURED} bound, ${podsPerSecond.toFixed(0)} pods/s, p50 ${res.p50Ms.toFixed(0)} ms, p99 ${res.p99Ms.toFixed(0)} ms`);
    return res;
  } finally {
    abort.abort();
    await running?.catch(() => undefined);
    for (const c of clients) c.close();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  const modes: Record<SchedulerIn, string> = {
    bench: `bench: the scheduler runs in the bench process (client library over HTTPS); server: bin/k8ts server ${serverArgs('bench').join(' ')}`,
    server: `server: the scheduler runs inside the server process (as k8ts server runs it); server: bin/k8ts server ${SCHEDULER_MODES.includes('server') ? serverArgs('server').join(' ') : ''}`,
  };
  const results: CaseResult[] = [];
  for (const m of SCHEDULER_MODES) {
    progress(modes[m]);
    for (const nodes of NODE_COUNTS) {
      for (const key of WORKLOADS) {
        const w = WORKLOAD_DEFS[key];
        if (!w) throw new Error(`unknown workload ${key} (basic, anti, spread)`);
        results.push(await runCase(w, nodes, m));
      }
    }
  }
  const mode = SCHEDULER_MODES.map((m) => modes[m]).join('\n');
  // The scheduler alone, without the API: its ceiling on this machine.
  const cycles: CyclesResult[] = [];
  for (const nodes of NODE_COUNTS) {
    for (const key of WORKLOADS) {
      const w = WORKLOAD_DEFS[key] as Workload;
      cycles.push(measureCycles(w.name, nodes, MEASURED, node, (i) => w.measuredPod(i, nodes)));
    }
  }
  const rows = results.map((r) => [
    r.schedulerIn, r.workload, r.nodes, `${r.bound}/${r.pods}`, r.podsPerSecond, r.p50Ms, r.p99Ms,
    `${r.floor} (${r.kubeCase})`, r.target ? String(r.target) : '-', r.violations.length ? 'NO' : 'yes', r.met ? 'yes' : 'NO',
  ]);
  const table = printTable(['scheduler in', 'workload', 'nodes', 'pods', 'pods/s', 'p50 ms', 'p99 ms', 'kube floor pods/s', 'target', 'placements valid', 'met'], rows);
  console.log(`\nk8ts bench/scheduler (${quick ? 'quick' : 'full'} run, ${cpus().length} cpus)\n${mode}\n`);
  console.log(table);
  console.log('\np50/p99: creation (create answered) → bound seen on the watch. Floors: kube-scheduler CI thresholds (5,000 nodes, many cores).');
  console.log('placements valid: no node over 110 pods, no two pods of an anti-affinity group on one node, zone skew ≤ 5.');
  console.log('met: valid, and pods/s ≥ target (2× floor for plain pods) or ≥ floor for the others.');
  console.log('\nThe scheduler alone (cycles on its cache, no API server, no binding):\n');
  console.log(printTable(['workload', 'nodes', 'pods', 'cycles/s', 'µs/pod'], cycles.map((c) => [c.workload, c.nodes, c.pods, c.cyclesPerSecond, c.usPerPod])));
  const out = {
    date: new Date().toISOString(), quick, machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) }, mode,
    measuredPods: MEASURED, createConcurrency: CREATE_CONCURRENCY, results, cyclesOnly: cycles,
  };
  writeFileSync(join(repoRoot, 'bench', 'results', 'scheduler.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('\nwrote bench/results/scheduler.json');
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
