// bench/podstart: pod start latency on a real containerd, beside the floors of the same machine.
//
// Pod start latency = from the client sending the pod's POST (spec.nodeName set: no scheduler in the
// path) to the bench's watch showing it Running with containerStatuses[0].state.running; the image
// is on the node beforehand (pulled once in warm-up), restartPolicy Always, no probes.
// Three floors on the same containerd and image (the busybox httpd "web" test image):
//   ctr run -d        `ctr run -d IMAGE id`: containerd's own client, no CRI, no sandbox, no CNI;
//                     returns once the task has started (timed around the ctr process)
//   ctr run --rm true RUNTIME.md's floor (~87 ms there): create, start, exit, delete
//   CRI               RunPodSandbox + CreateContainer + StartContainer through CriClient with the
//                     kubelet's own configs and the node's CNI bridge: the best a kubelet can do
// Rounds: 50 of each one at a time, the four kinds interleaved (ctr -d, ctr --rm, CRI, pod, next)
// so that load changes on a shared machine hit all alike; then 50 of each with a sliding window of
// 10 in flight (a new one starts as soon as one is done), kind after kind. What a round starts stays
// until its end; then pods are deleted through the API and the node is waited on until it holds none.
// Where the time goes is measured without touching the kubelet: its API client is wrapped (tap.ts:
// informer delivery, status PATCH) and CriClient's methods are wrapped on the prototype (cri-tap.ts).
// The API server (in-memory SQLite) and the kubelet run inside this process (a real `k8ts up` runs
// them as separate processes), on test/helpers' private containerd and CNI bridge, with the
// kubelet's default knobs (relist 1 s, resync 10 s, 32 pod workers) unless flags say otherwise.
// Needs root. Prints tables and writes bench/results/podstart.json.
// Usage: node dist/bench/podstart/main.js [--pods 50] [--in-flight 10] [--modes seq,par] [--relist-ms 1000] [--workers 32] [--out bench/results/podstart.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { containerdLayout } from '../../src/kubelet/runtime/containerd/index.js';
import { CriClient } from '../../src/kubelet/runtime/cri/index.js';
import { repoRoot, startTestCluster, type TestCluster } from '../../test/helpers/cluster.js';
import { testClient } from '../../test/helpers/controllers.js';
import { startTestNode, type TestNode } from '../../test/helpers/node.js';
import { startTestRegistry, type TestRegistry } from '../../test/helpers/registry.js';
import { printTable } from '../lib/stats.js';
import { cleanCriFloor, cleanCtr, criStart, ctrRun, removeCgroupTree, type CriFloorTarget, type CriSample, type CtrTarget } from './floor.js';
import { cleanPods, podSample, RunningWatcher, startPod, type PodRoundDeps, type PodSample, type StartedPod } from './pods.js';
import { tapCri, type CriCall } from './cri-tap.js';
import { tapKubeletClient, wallMs } from './tap.js';
import { latency, slidingWindow, type Latency } from './window.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : dflt; };
const PODS = arg('pods', 50);
const IN_FLIGHT = arg('in-flight', 10);
const RELIST_MS = arg('relist-ms', 1000);
const WORKERS = arg('workers', 32);
const OUT = (() => { const i = argv.indexOf('--out'); return i >= 0 ? argv[i + 1]! : join(repoRoot(), 'bench', 'results', 'podstart.json'); })();
/** Which rounds: 1 (one at a time, interleaved) and/or K in flight. */
const MODES = (() => { const i = argv.indexOf('--modes'); return (i >= 0 ? argv[i + 1]! : 'seq,par').split(','); })();
const IN_FLIGHTS = [...(MODES.includes('seq') ? [1] : []), ...(MODES.includes('par') ? [IN_FLIGHT] : [])];
const TARGET_RATIO = 1.5;
const SLO_MS = 5000;

/** The 1-minute load average: this machine is shared, and the floors move with it. */
const load1 = (): number => loadavg()[0] ?? NaN;
const progress = (msg: string): void => { process.stderr.write(`[bench/podstart] ${msg}\n`); };

if (process.getuid?.() !== 0) {
  console.error('bench/podstart needs root (containerd, runc, CNI)');
  process.exit(2);
}

const tag = Math.random().toString(36).slice(2, 7);
let cleaning: Promise<void> | undefined;
// Interrupted, or output piped into `head`: still stop containerd, the registry and the pods.
process.stdout.on('error', () => undefined);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void cleanup().finally(() => process.exit(130)); });
let cluster: TestCluster | undefined;
let registry: TestRegistry | undefined;
let node: TestNode | undefined;
let cri: CriClient | undefined;
let watcher: RunningWatcher | undefined;
let ctrT: CtrTarget | undefined;
/** Detached ctr containers not yet removed (containerd's shutdown would leave their shims running). */
const ctrLive = new Set<string>();
const kubeletCgroup = `/k8ts-bench-kubelet-${tag}`;
const floorCgroup = `/k8ts-bench-cri-${tag}`;
const ctrCgroup = `/k8ts-bench-ctr-${tag}`;

interface Round { name: string; kind: 'pod' | 'ctr-detach' | 'ctr-rm-true' | 'cri'; inFlight: number; latency: Latency; load1: number }
const rounds: Round[] = [];
const podSamples: Record<string, PodSample[]> = {};
const kubeletCalls: Record<string, CriCall[]> = {};
const callWindows: Record<string, number> = {};
const KINDS: Array<Round['kind']> = ['ctr-detach', 'ctr-rm-true', 'cri', 'pod'];
const criSamples: Record<string, CriSample[]> = {};

try {
  const t0 = Date.now();
  progress('starting API server, registry, containerd and kubelet');
  cluster = await startTestCluster();
  registry = await startTestRegistry();
  const tap = tapKubeletClient(testClient(cluster));
  const criTap = tapCri();
  node = await startTestNode({
    client: tap.client,
    kubelet: { relistMs: RELIST_MS, resyncMs: 10_000, heartbeatMs: 10_000, crashBackoffBaseMs: 10_000, workers: WORKERS, cgroupRoot: kubeletCgroup },
  });
  const image = registry.images.web;
  cri = new CriClient(node.containerd.address);
  criTap.exclude(cri);
  progress(`pulling ${image}`);
  await cri.pullImage(image);
  const client = testClient(cluster);
  watcher = new RunningWatcher(client);
  await watcher.start();
  const deps: PodRoundDeps = { client, watcher, tap, criTap, cri, nodeName: node.name, image };
  const ctr: CtrTarget = ctrT = {
    socket: node.containerd.socketPath, runcRoot: join(containerdLayout(node.containerd.dataDir).state, 'runc'),
    fifoDir: join(node.dir, 'ctr-fifo'), cgroupRoot: ctrCgroup, image,
  };
  const criT: CriFloorTarget = { cri, image, podLogsDir: join(node.dir, 'floor-logs'), cgroupRoot: floorCgroup };

  /**
   * One measurement of every kind, n each. One at a time: interleaved (ctr -d, ctr --rm, CRI, pod,
   * then the next i), so a load change on this shared machine hits every kind alike. K in flight:
   * one kind after the other, each a sliding window of K. Everything started stays until the end
   * of the measurement, then is removed (pods: deleted through the API and cleaned by the kubelet).
   */
  const measure = async (inFlight: number, n: number, tag: string) => {
    const res = { detach: [] as number[], rmTrue: [] as number[], cri: [] as CriSample[], pods: [] as StartedPod[] };
    const ops: Record<Round['kind'], (i: number) => Promise<void>> = {
      'ctr-detach': async (i) => { const id = `fd-${tag}-${i}`; ctrLive.add(id); res.detach[i] = await ctrRun(ctr, 'detach', id); },
      'ctr-rm-true': async (i) => { res.rmTrue[i] = await ctrRun(ctr, 'rm-true', `fr-${tag}-${i}`); },
      cri: async (i) => { res.cri[i] = await criStart(criT, `fc-${tag}-${i}`); },
      pod: async (i) => { res.pods[i] = await startPod(deps, `p-${tag}-${i}`); },
    };
    const load: Partial<Record<Round['kind'], number>> = {};
    let podWindow = { from: 0, to: 0 };
    if (inFlight === 1) {
      podWindow.from = wallMs();
      for (let i = 0; i < n; i++) for (const k of KINDS) await ops[k](i);
      podWindow.to = wallMs();
      for (const k of KINDS) load[k] = load1();
    } else {
      for (const k of KINDS) {
        const from = wallMs();
        await slidingWindow(n, inFlight, ops[k]);
        if (k === 'pod') podWindow = { from, to: wallMs() };
        load[k] = load1();
      }
    }
    const samples = res.pods.map((r) => podSample(deps, r));
    const calls = criTap.calls(podWindow.from, podWindow.to);
    await cleanCtr(ctr, [...ctrLive]);
    ctrLive.clear();
    await cleanCriFloor(criT);
    const cleanMs = await cleanPods(deps);
    return { ...res, samples, calls, callWindowMs: podWindow.to - podWindow.from, load, cleanMs };
  };

  // Warm-up: the first pod creates the CNI bridge; JIT, connections and caches settle.
  progress('warm-up');
  await measure(1, 3, 'w');
  await measure(3, 3, 'w3');

  for (const inFlight of IN_FLIGHTS) {
    const label = inFlight === 1 ? 'one at a time' : `${inFlight} in flight`;
    progress(`${PODS} of each, ${label}${inFlight === 1 ? ' (interleaved)' : ''}`);
    const m = await measure(inFlight, PODS, inFlight === 1 ? 's' : 'k');
    rounds.push({ name: `ctr run -d (${label})`, kind: 'ctr-detach', inFlight, latency: latency(m.detach), load1: m.load['ctr-detach'] ?? NaN });
    rounds.push({ name: `ctr run --rm true (${label})`, kind: 'ctr-rm-true', inFlight, latency: latency(m.rmTrue), load1: m.load['ctr-rm-true'] ?? NaN });
    rounds.push({ name: `CRI sandbox+create+start (${label})`, kind: 'cri', inFlight, latency: latency(m.cri.map((s) => s.total)), load1: m.load.cri ?? NaN });
    rounds.push({ name: `pod via API + kubelet (${label})`, kind: 'pod', inFlight, latency: latency(m.samples.map((s) => s.total)), load1: m.load.pod ?? NaN });
    criSamples[label] = m.cri;
    podSamples[label] = m.samples;
    kubeletCalls[label] = m.calls;
    callWindows[label] = m.callWindowMs;
    progress(`  everything removed; the kubelet cleaned up the pods ${m.cleanMs} ms after the delete`);
  }

  // ---- report ----
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  console.log(`\nbench/podstart — ${machine}; containerd ${(await cri.version()).runtime_version}; image ${image}`);
  console.log(`API server and kubelet in THIS process (a real \`k8ts up\` runs them as separate processes); pods bound by spec.nodeName (no scheduler);`);
  console.log(`kubelet relist ${RELIST_MS} ms, resync 10 s, ${WORKERS} pod workers. Concurrency: a sliding window (a new one starts as soon as one is done).`);
  console.log(`Latency in ms. Pod: POST sent → watch shows Running with the container running. ctr: the ctr process. CRI: the three calls.\n`);
  console.log(printTable(['round', 'n', 'p50', 'p90', 'p99', 'max', 'mean', 'load avg'],
    rounds.map((r) => [r.name, r.latency.n, r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max, r.latency.mean, r.load1.toFixed(2)])));

  const ratios: Array<{ inFlight: number; floor: string; floorP99: number; podP99: number; ratio: number; met: boolean }> = [];
  for (const inFlight of IN_FLIGHTS) {
    const pod = rounds.find((r) => r.kind === 'pod' && r.inFlight === inFlight)!;
    for (const kind of ['ctr-detach', 'ctr-rm-true', 'cri'] as const) {
      const f = rounds.find((r) => r.kind === kind && r.inFlight === inFlight)!;
      const ratio = pod.latency.p99 / f.latency.p99;
      ratios.push({ inFlight, floor: f.name, floorP99: f.latency.p99, podP99: pod.latency.p99, ratio: Math.round(ratio * 100) / 100, met: ratio <= TARGET_RATIO });
    }
  }
  console.log(`\nPod p99 against each floor's p99 (target ≤ ${TARGET_RATIO}×; Kubernetes' SLO: p99 ≤ ${SLO_MS} ms)\n`);
  console.log(printTable(['floor', 'floor p99', 'pod p99', 'ratio', `≤ ${TARGET_RATIO}×`],
    ratios.map((r) => [r.floor, r.floorP99, r.podP99, `${r.ratio.toFixed(2)}×`, r.met ? 'met' : 'NOT met'])));

  // Where the time goes: each step's time after the POST was sent (p50 / p99 over the round's pods).
  const steps: Array<[string, keyof PodSample]> = [
    ['POST answered', 'postDone'],
    ['kubelet informer has the pod', 'informer'],
    ['RunPodSandbox sent', 'sandboxSent'],
    ['RunPodSandbox returned', 'sandboxDone'],
    ['CreateContainer sent', 'createSent'],
    ['CreateContainer returned', 'createDone'],
    ['StartContainer sent', 'startSent'],
    ['StartContainer returned', 'startDone'],
    ['Running status PATCH sent', 'patchSent'],
    ['Running status PATCH answered', 'patchDone'],
    ['Running seen on the watch', 'watchSeen'],
  ];
  const labels = Object.keys(podSamples);
  const breakdown: Record<string, Record<string, Latency>> = {};
  for (const l of labels) breakdown[l] = Object.fromEntries(steps.map(([, k]) => [k, latency(podSamples[l]!.map((s) => s[k] as number))]));
  console.log(`\nPod start, step by step: ms after the POST was sent (p50 / p99 over the round's pods)\n`);
  console.log(printTable(['step', ...labels.flatMap((l) => [`${l} p50`, 'p99'])],
    steps.map(([title, k]) => [title, ...labels.flatMap((l) => [breakdown[l]![k]!.p50, breakdown[l]![k]!.p99])])));
  const gaps: Array<[string, keyof PodSample, keyof PodSample]> = [
    ['API: POST sent → kubelet informer', 'total', 'informer'],
    ['kubelet: informer → RunPodSandbox sent', 'informer', 'sandboxSent'],
    ['runtime: RunPodSandbox', 'sandboxSent', 'sandboxDone'],
    ['kubelet: sandbox → CreateContainer sent', 'sandboxDone', 'createSent'],
    ['runtime: CreateContainer', 'createSent', 'createDone'],
    ['kubelet: created → StartContainer sent', 'createDone', 'startSent'],
    ['runtime: StartContainer', 'startSent', 'startDone'],
    ['kubelet: started → status PATCH sent', 'startDone', 'patchSent'],
    ['API: PATCH sent → answered', 'patchSent', 'patchDone'],
    ['API: PATCH answered → watch event', 'patchDone', 'watchSeen'],
  ];
  const gapStats: Record<string, Record<string, Latency>> = {};
  // 'total' as the start of the first interval stands for the POST itself (time 0).
  const at = (s: PodSample, k: keyof PodSample): number => (k === 'total' ? 0 : s[k] as number);
  for (const l of labels) gapStats[l] = Object.fromEntries(gaps.map(([title, a, b]) => [title, latency(podSamples[l]!.map((s) => at(s, b) - at(s, a)))]));
  console.log(`\nThe same as intervals: who holds the pod (p50 / p99 / mean; the means add up to the mean pod start)\n`);
  console.log(printTable(['interval', ...labels.flatMap((l) => [`${l} p50`, 'p99', 'mean'])],
    gaps.map(([title]) => [title, ...labels.flatMap((l) => [gapStats[l]![title]!.p50, gapStats[l]![title]!.p99, gapStats[l]![title]!.mean])])));

  const criLabels = Object.keys(criSamples);
  const criSteps: Array<[string, keyof CriSample]> = [['RunPodSandbox', 'runPodSandbox'], ['CreateContainer', 'createContainer'], ['StartContainer', 'startContainer'], ['all three', 'total']];
  const criBreakdown: Record<string, Record<string, Latency>> = {};
  for (const l of criLabels) criBreakdown[l] = Object.fromEntries(criSteps.map(([, k]) => [k, latency(criSamples[l]!.map((s) => s[k]))]));
  console.log(`\nCRI floor, call by call (p50 / p99 / mean)\n`);
  console.log(printTable(['call', ...criLabels.flatMap((l) => [`${l} p50`, 'p99', 'mean'])],
    criSteps.map(([title, k]) => [title, ...criLabels.flatMap((l) => [criBreakdown[l]![k]!.p50, criBreakdown[l]![k]!.p99, criBreakdown[l]![k]!.mean])])));

  const methods = [...new Set(Object.values(kubeletCalls).flatMap((c) => c.map((x) => x.method)))].sort();
  const callStats: Record<string, Record<string, { count: number; meanMs: number; totalMs: number }>> = {};
  for (const l of labels) {
    callStats[l] = {};
    for (const m of methods) {
      const d = kubeletCalls[l]!.filter((c) => c.method === m).map((c) => c.doneAt - c.sentAt);
      callStats[l]![m] = { count: d.length, meanMs: Math.round(d.reduce((a, b) => a + b, 0) / (d.length || 1) * 10) / 10, totalMs: Math.round(d.reduce((a, b) => a + b, 0)) };
    }
  }
  console.log(`\nCRI calls the kubelet made while the pods started (${labels.map((l) => `${l}: ${(callWindows[l]! / 1000).toFixed(1)} s`).join(', ')}${labels.length ? '; one at a time is interleaved with the floors' : ''}): count, mean ms\n`);
  console.log(printTable(['CRI call', ...labels.flatMap((l) => [`${l} count`, 'mean ms'])],
    methods.map((m) => [m, ...labels.flatMap((l) => [callStats[l]![m]!.count, callStats[l]![m]!.meanMs])])));

  // The pods run unchanged after they start: one status PATCH each is what a quiet kubelet sends.
  const patchStats: Record<string, { perPodMean: number; perPodMax: number; total: number; podsPatchedAgain: number; podsWithFlippingStartTime: number }> = {};
  for (const l of labels) {
    const p = podSamples[l]!;
    patchStats[l] = {
      perPodMean: latency(p.map((s) => s.patches)).mean, perPodMax: Math.max(...p.map((s) => s.patches)), total: p.reduce((a, s) => a + s.patches, 0),
      podsPatchedAgain: p.filter((s) => s.patches > 1).length, podsWithFlippingStartTime: p.filter((s) => s.startTimes > 1).length,
    };
  }
  console.log(`\nStatus PATCHes the kubelet sent while the round ran (each pod runs unchanged once started: 1 per pod is quiet)\n`);
  console.log(printTable(['round', 'total', 'per pod mean', 'max', 'pods patched > 1×', 'pods whose startTime flipped'],
    labels.map((l) => [l, patchStats[l]!.total, patchStats[l]!.perPodMean, patchStats[l]!.perPodMax, patchStats[l]!.podsPatchedAgain, patchStats[l]!.podsWithFlippingStartTime])));
  console.log(`\nWhole run: ${((Date.now() - t0) / 1000).toFixed(0)} s.`);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    machine, containerd: (await cri.version()).runtime_version, image: 'web (busybox httpd)', pods: PODS, inFlight: IN_FLIGHT,
    concurrency: 'sliding window', inProcess: 'API server and kubelet in the bench process', kubelet: { relistMs: RELIST_MS, resyncMs: 10_000, workers: WORKERS },
    targetRatio: TARGET_RATIO, sloMs: SLO_MS, rounds, ratios, podSteps: breakdown, podIntervals: gapStats, criSteps: criBreakdown, kubeletCriCalls: callStats, kubeletStatusPatches: patchStats,
  }, null, 2) + '\n');
} finally {
  await cleanup();
}

/** Stops everything this run started (idempotent; also on SIGINT/SIGTERM). */
async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    progress('cleaning up');
    await watcher?.stop();
    if (ctrT && ctrLive.size) await cleanCtr(ctrT, [...ctrLive]).catch(() => undefined);
    cri?.close();
    await node?.stop().catch((e: unknown) => progress(`node stop: ${String(e)}`));
    for (const cg of [kubeletCgroup, floorCgroup, ctrCgroup]) await removeCgroupTree(cg);
    await registry?.stop().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
  })();
  return cleaning;
}
