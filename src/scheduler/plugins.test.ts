// Plugins as pure functions over plain Node and Pod objects, against the real cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { Framework, numFeasibleNodesToFind } from './framework.js';
import { buildPodInfo } from './pod-info.js';
import { podRequests } from './resources.js';
import { nodeInfoOf } from './node-info.js';
import { defaultPlugins, defaultScoreWeights } from './plugins/index.js';
import * as fit from './plugins/node-resources-fit.js';
import * as balanced from './plugins/node-resources-balanced-allocation.js';
import * as nodeAffinity from './plugins/node-affinity.js';
import * as taints from './plugins/taint-toleration.js';
import * as unschedulable from './plugins/node-unschedulable.js';
import * as spread from './plugins/pod-topology-spread.js';
import * as interPod from './plugins/inter-pod-affinity.js';
import * as nodePorts from './plugins/node-ports.js';
import { toleratesTaint } from './tolerations.js';
import { CycleState, type Plugin, type PodInfo } from './types.js';
import { podInfo, testNode, testPod, type TestNode } from './test-objects.js';
import type { Pod } from './api-types.js';

function cluster(nodes: Record<string, TestNode>, pods: Pod[] = []): SchedulerCache {
  const c = new SchedulerCache();
  for (const [name, o] of Object.entries(nodes)) c.setNode(testNode(name, o));
  for (const p of pods) c.setPod(buildPodInfo(p));
  return c;
}

/** Runs PreFilter then Filter of one plugin on every node: node → 'ok' or its first reason. */
function filterAll(p: Plugin, pod: PodInfo, c: SchedulerCache): Record<string, string> {
  const state = new CycleState();
  const pre = p.preFilter?.(state, pod, c);
  const out: Record<string, string> = {};
  for (const n of c.nodeList()) {
    if (pre?.status.code === 'Skip') { out[n.name] = 'ok'; continue; }
    const s = p.filter ? p.filter(state, pod, n) : { code: 'Success', reasons: [] };
    out[n.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join('; ')}`;
  }
  return out;
}

test('pod requests: containers summed, init containers by the max rule, sidecars alongside, overhead added', () => {
  const r = podRequests({
    containers: [{ resources: { requests: { cpu: '500m', memory: '1Gi' } } }, { resources: { requests: { cpu: '250m' } } }],
    initContainers: [
      { restartPolicy: 'Always', resources: { requests: { cpu: '200m', memory: '100Mi' } } }, // sidecar: runs with the app
      { resources: { requests: { cpu: '1', memory: '2Gi' } } }, // runs after the sidecar started: 1 + 0.2
    ],
    overhead: { cpu: '100m' },
  });
  assert.equal(r.milliCpu, 1200 + 100);
  assert.equal(r.memory, 2 * 2 ** 30 + 100 * 2 ** 20);
  // The scheduler's defaults apply to containers without requests, for scoring only.
  const nz = podRequests({ containers: [{}, { resources: { requests: { cpu: '0' } } }] }, true);
  assert.equal(nz.milliCpu, 100);
  assert.equal(nz.memory, 2 * 200 * 2 ** 20);
  assert.equal(podRequests({ containers: [{}] }).milliCpu, 0);
});

test('NodeResourcesFit: kube\'s reasons, pod count, extended resources', () => {
  const c = cluster({ small: { cpu: '1', memory: '1Gi', pods: '2' }, big: { cpu: '8' } }, [
    testPod('a', { node: 'small', cpu: '500m' }), testPod('b', { node: 'small', cpu: '100m' }),
  ]);
  const pod = podInfo('p', { cpu: '600m', memory: '2Gi' });
  assert.deepEqual(filterAll(fit.plugin, pod, c), { small: 'Unschedulable: Too many pods; Insufficient cpu; Insufficient memory', big: 'ok' });
  const gpu = podInfo('g', { spec: { containers: [{ resources: { requests: { 'nvidia.com/gpu': '1' } } }] } });
  assert.deepEqual(fit.insufficientResources(gpu, c.node('big')!).map((x) => x.reason), ['Insufficient nvidia.com/gpu']);
  const gpuNode = nodeInfoOf({ ...testNode('gpu'), status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'nvidia.com/gpu': '2' } } });
  assert.deepEqual(fit.insufficientResources(gpu, gpuNode), []);
});

test('LeastAllocated and BalancedAllocation scores', () => {
  const empty = nodeInfoOf(testNode('n', { cpu: '4', memory: '8Gi' }));
  const pod = podInfo('p', { cpu: '1', memory: '2Gi' });
  assert.equal(fit.leastAllocatedScore(pod, empty), 75);
  assert.equal(balanced.balancedAllocationScore(pod, empty), 100);
  const busy = nodeInfoOf(testNode('n', { cpu: '4', memory: '8Gi' }), [podInfo('x', { cpu: '1', node: 'n' })]);
  // Balanced uses actual requests: cpu 2/4 = 0.5, memory 2Gi/8Gi = 0.25 → 100 × (1 − 0.125).
  assert.equal(balanced.balancedAllocationScore(pod, busy), 87);
  // LeastAllocated uses non-zero requests: x counts 200Mi of memory although it requests none.
  assert.equal(fit.leastAllocatedScore(pod, busy), Math.trunc((50 + Math.trunc(((8192 - 2048 - 200) * 100) / 8192)) / 2));
});

test('NodeAffinity: nodeSelector and required terms with every operator; matchFields; preferred weights', () => {
  const c = cluster({
    a: { labels: { zone: 'z1', gen: '3', ssd: '' } },
    b: { labels: { zone: 'z2', gen: '5' } },
    c: { labels: { gen: 'x' } },
  });
  const req = (terms: unknown[]) => podInfo('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } } });
  const ok = (m: Record<string, string>) => Object.keys(m).filter((k) => m[k] === 'ok').sort().join(',');
  assert.equal(ok(filterAll(nodeAffinity.plugin, podInfo('s', { spec: { nodeSelector: { zone: 'z2' } } }), c)), 'b');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }]), c)), 'b');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }]), c)), 'a');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }] }]), c)), 'b,c');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'ssd', operator: 'Exists' }] }]), c)), 'a');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }]), c)), 'c');
  // Terms are ORed; a term's requirements ANDed; an empty term matches nothing.
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }, { key: 'gen', operator: 'In', values: ['5'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }]), c)), 'c');
  assert.equal(ok(filterAll(nodeAffinity.plugin, req([{}]), c)), '');
  const rejected = filterAll(nodeAffinity.plugin, podInfo('s', { spec: { nodeSelector: { zone: 'nope' } } }), c);
  assert.equal(rejected.a, "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector");
  // PreFilter narrows to the names every term pins (DaemonSet pods).
  assert.deepEqual(nodeAffinity.nodeNamesFromTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }]), new Set(['b']));
  assert.equal(nodeAffinity.nodeNamesFromTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'x', operator: 'Exists' }] }]), undefined);
  // Preferred terms: the sum of matching weights, normalized to 0..100.
  const pref = podInfo('p', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
    { weight: 30, preference: { matchExpressions: [{ key: 'gen', operator: 'Exists' }] } },
  ] } } } });
  const state = new CycleState();
  assert.equal(nodeAffinity.plugin.preScore(state, pref).code, 'Success');
  const scores = c.nodeList().map((n) => nodeAffinity.plugin.score(state, pref, n));
  assert.deepEqual(scores, [40, 30, 30]);
  nodeAffinity.plugin.normalizeScore(state, pref, scores);
  assert.deepEqual(scores, [100, 75, 75]);
});

test('TaintToleration and NodeUnschedulable', () => {
  assert.equal(toleratesTaint({ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }), true, 'empty key + Exists tolerates everything');
  assert.equal(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoExecute' }), false);
  assert.equal(toleratesTaint({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }), true, 'operator defaults to Equal');
  assert.equal(toleratesTaint({ key: 'k', operator: 'Equal', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }), false);
  const c = cluster({
    cp: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    soft: { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] },
    cordoned: { unschedulable: true },
  });
  const pod = podInfo('p');
  assert.deepEqual(filterAll(taints.plugin, pod, c), {
    cp: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', soft: 'ok', cordoned: 'ok',
  });
  assert.equal(filterAll(unschedulable.plugin, pod, c).cordoned, 'UnschedulableAndUnresolvable: node(s) were unschedulable');
  const tolerant = podInfo('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(filterAll(unschedulable.plugin, tolerant, c).cordoned, 'ok');
  // PreferNoSchedule: fewer untolerated taints score higher (reversed normalization).
  const state = new CycleState();
  assert.equal(taints.plugin.preScore(state, pod, [], c).code, 'Success');
  const scores = c.nodeList().map((n) => taints.plugin.score(state, pod, n));
  taints.plugin.normalizeScore(state, pod, scores);
  assert.deepEqual(scores, [100, 0, 100]);
});

test('PodTopologySpread: skew against the smallest domain, minDomains, missing labels, node inclusion', () => {
  const z = (zone: string) => ({ labels: { zone } });
  const app = { app: 'db' };
  const c = cluster({ a1: z('a'), a2: z('a'), b1: z('b'), nolabel: {} }, [
    testPod('x1', { node: 'a1', labels: app }), testPod('x2', { node: 'a2', labels: app }),
    testPod('gone', { node: 'b1', labels: app, terminating: true }), // terminating pods do not count
    testPod('other-ns', { node: 'b1', labels: app, ns: 'elsewhere' }),
  ]);
  const constraint = (extra: Record<string, unknown> = {}) => podInfo('p', { labels: app, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: app }, ...extra }] } });
  assert.deepEqual(filterAll(spread.plugin, constraint(), c), {
    a1: "Unschedulable: node(s) didn't match pod topology spread constraints",
    a2: "Unschedulable: node(s) didn't match pod topology spread constraints",
    b1: 'ok',
    nolabel: "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)",
  });
  // minDomains 3 with only 2 zones: the global minimum is 0, so zone a (2 + 1 − 0 > 1) stays closed,
  // and with maxSkew 3 it opens.
  assert.equal(filterAll(spread.plugin, constraint({ minDomains: 3, maxSkew: 2 }), c).a1, "Unschedulable: node(s) didn't match pod topology spread constraints");
  assert.equal(filterAll(spread.plugin, constraint({ minDomains: 3, maxSkew: 3 }), c).a1, 'ok');
  // nodeAffinityPolicy Honor (default): nodes the pod cannot go to are no domain; zone b is excluded here,
  // so zone a is the only domain and its minimum is its own count.
  const pinned = podInfo('p', { labels: app, spec: {
    nodeSelector: { zone: 'a' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: app } }],
  } });
  assert.equal(filterAll(spread.plugin, pinned, c).a1, 'ok');
  // ScheduleAnyway scores: the emptier zone wins.
  const soft = podInfo('p', { labels: app, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: app } }] } });
  const state = new CycleState();
  const nodes = c.nodeList().filter((n) => n.name !== 'nolabel');
  assert.equal(spread.plugin.preScore(state, soft, nodes, c).code, 'Success');
  const scores = nodes.map((n) => spread.plugin.score(state, soft, n));
  spread.plugin.normalizeScore(state, soft, scores);
  assert.ok((scores[2] as number) > (scores[0] as number), `b1 scores above a1: ${scores}`);
});

test('InterPodAffinity: required affinity, anti-affinity, existing pods\' anti-affinity, namespaces', () => {
  const z = (zone: string) => ({ labels: { zone } });
  const antiWeb = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  const c = cluster({ a1: z('a'), a2: z('a'), b1: z('b') }, [
    testPod('cache', { node: 'a1', labels: { app: 'cache' } }),
    testPod('web', { node: 'a2', labels: { app: 'web' }, spec: { affinity: antiWeb } }),
  ]);
  const ok = (m: Record<string, string>) => Object.keys(m).filter((k) => m[k] === 'ok').sort().join(',');
  // Required affinity to cache pods in the same zone.
  const nearCache = podInfo('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } } } });
  assert.equal(ok(filterAll(interPod.plugin, nearCache, c)), 'a1,a2');
  assert.equal(filterAll(interPod.plugin, nearCache, c).b1, "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules");
  // No pod matches anywhere, but the pod matches its own term: the first of its group goes anywhere.
  const firstOfGroup = podInfo('p', { labels: { app: 'new' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'new' } }, topologyKey: 'zone' }] } } } });
  assert.equal(ok(filterAll(interPod.plugin, firstOfGroup, c)), 'a1,a2,b1');
  // Anti-affinity of the incoming pod.
  const awayFromCache = podInfo('p', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } } } });
  assert.deepEqual(filterAll(interPod.plugin, awayFromCache, c), {
    a1: "Unschedulable: node(s) didn't match pod anti-affinity rules", a2: "Unschedulable: node(s) didn't match pod anti-affinity rules", b1: 'ok',
  });
  // The existing web pod's anti-affinity keeps other web pods off its node.
  assert.deepEqual(filterAll(interPod.plugin, podInfo('w2', { labels: { app: 'web' } }), c), {
    a1: 'ok', a2: "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules", b1: 'ok',
  });
  // ... but only for pods in the namespaces its term covers (its own, here).
  assert.equal(ok(filterAll(interPod.plugin, podInfo('w3', { labels: { app: 'web' }, ns: 'other' }), c)), 'a1,a2,b1');
  // Terms naming namespaces, and namespaceSelector.
  c.setNamespaceLabels('default', { team: 'blue' });
  const bySelector = podInfo('p', { ns: 'other', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaceSelector: { matchLabels: { team: 'blue' } }, topologyKey: 'kubernetes.io/hostname' }] } } } });
  assert.equal(ok(filterAll(interPod.plugin, bySelector, c)), 'a2,b1');
  const byList = podInfo('p', { ns: 'other', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['other'], topologyKey: 'kubernetes.io/hostname' }] } } } });
  assert.equal(ok(filterAll(interPod.plugin, byList, c)), 'a1,a2,b1');
  // Counts follow the cache: when the cache pod goes, zone a is free of it.
  c.removePod(c.node('a1')!.pods.values().next().value!.uid);
  assert.equal(ok(filterAll(interPod.plugin, awayFromCache, c)), 'a1,a2,b1');
});

test('InterPodAffinity scores preferred terms of the pod and of existing pods', () => {
  const c = cluster({ n1: {}, n2: {} }, [testPod('db', { node: 'n1', labels: { app: 'db' } })]);
  const likesDb = podInfo('p', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] } } } });
  const state = new CycleState();
  assert.equal(interPod.plugin.preScore(state, likesDb, c.nodeList(), c).code, 'Success');
  const scores = c.nodeList().map((n) => interPod.plugin.score(state, likesDb, n));
  interPod.plugin.normalizeScore(state, likesDb, scores);
  assert.deepEqual(scores, [100, 0]);
  assert.equal(interPod.plugin.preScore(new CycleState(), podInfo('plain'), c.nodeList(), c).code, 'Skip');
});

test('NodePorts: host ports must be free; 0.0.0.0 conflicts with any address', () => {
  const withPort = (name: string, port: number, o: { ip?: string; protocol?: string; node?: string } = {}) => testPod(name, {
    ...(o.node ? { node: o.node } : {}),
    spec: { containers: [{ ports: [{ containerPort: 80, hostPort: port, ...(o.ip ? { hostIP: o.ip } : {}), ...(o.protocol ? { protocol: o.protocol } : {}) }] }] },
  });
  const c = cluster({ a: {}, b: {} }, [withPort('web', 8080, { node: 'a' }), withPort('dns', 53, { node: 'b', ip: '10.0.0.1', protocol: 'UDP' })]);
  assert.deepEqual(filterAll(nodePorts.plugin, buildPodInfo(withPort('p', 8080)), c), { a: "Unschedulable: node(s) didn't have free ports for the requested pod ports", b: 'ok' });
  assert.deepEqual(filterAll(nodePorts.plugin, buildPodInfo(withPort('q', 53, { protocol: 'UDP' })), c), { a: 'ok', b: "Unschedulable: node(s) didn't have free ports for the requested pod ports" });
  assert.deepEqual(filterAll(nodePorts.plugin, buildPodInfo(withPort('r', 53, { protocol: 'UDP', ip: '10.0.0.2' })), c), { a: 'ok', b: 'ok' });
  assert.deepEqual(filterAll(nodePorts.plugin, buildPodInfo(withPort('s', 53)), c), { a: 'ok', b: 'ok' }, 'TCP 53 is not UDP 53');
  c.removePod([...c.node('a')!.pods.values()][0]!.uid);
  assert.equal(filterAll(nodePorts.plugin, buildPodInfo(withPort('p', 8080)), c).a, 'ok');
});

test('numFeasibleNodesToFind follows kube (adaptive percentage, at least 100 nodes)', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(150), 100);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(20_000), 1000);
  assert.equal(numFeasibleNodesToFind(5000, 100), 5000);
  assert.equal(numFeasibleNodesToFind(5000, 1), 100);
});

test('the framework filters only as many nodes as it needs, round-robin, and picks the best score', () => {
  const nodes: Record<string, TestNode> = {};
  for (let i = 0; i < 1000; i++) nodes[`n${i}`] = {};
  const c = cluster(nodes);
  const fw = new Framework({ plugins: defaultPlugins, scoreWeights: defaultScoreWeights, random: () => 0.5 });
  const first = fw.schedule(podInfo('a', { cpu: '1' }), c);
  assert.equal(first.kind, 'scheduled');
  if (first.kind !== 'scheduled') return;
  assert.equal(first.evaluatedNodes, 420);
  // A node with more room wins over the others.
  const c2 = cluster({ busy: {}, idle: { cpu: '64', memory: '64Gi' } }, [testPod('x', { node: 'busy', cpu: '3' })]);
  const o = new Framework({ plugins: defaultPlugins, scoreWeights: defaultScoreWeights }).schedule(podInfo('p', { cpu: '500m', memory: '1Gi' }), c2);
  assert.equal(o.kind === 'scheduled' && o.node, 'idle');
});

test('the cache: assumed pods count at once, forget undoes, the bound event confirms; node label changes move counts', () => {
  const c = cluster({ n1: { cpu: '1', labels: { zone: 'a' } } });
  const p = podInfo('p', { cpu: '600m', labels: { app: 'x' } });
  c.assumePod(p, 'n1');
  assert.equal(c.node('n1')!.requested.milliCpu, 600);
  assert.equal(fit.fitsResources(podInfo('q', { cpu: '600m' }), c.node('n1')!), false);
  c.forgetPod(p.uid);
  assert.equal(c.node('n1')!.requested.milliCpu, 0);
  c.assumePod(p, 'n1');
  c.setPod(buildPodInfo({ ...p.pod, spec: { ...p.pod.spec, nodeName: 'n1' } }));
  assert.equal(c.isAssumed(p.uid), false);
  c.forgetPod(p.uid); // no-op once confirmed
  assert.equal(c.node('n1')!.requested.milliCpu, 600);
  const matcher = { key: 'app=x', matches: (x: PodInfo) => x.labels.app === 'x' };
  assert.equal(c.podMatches(matcher).domains('zone').get('a'), 1);
  c.setNode(testNode('n1', { cpu: '1', labels: { zone: 'b' } }));
  assert.equal(c.podMatches(matcher).domains('zone').get('a'), undefined);
  assert.equal(c.podMatches(matcher).domains('zone').get('b'), 1);
  assert.equal(c.labelDomains('zone').get('b'), 1);
});
