// The scheduler against a real in-process API server: nodes and pods created through the API, the
// scheduler running through the client library, placements and failures read back through the API.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../test/helpers/controllers.js';
import { R, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { Node, Pod } from './api-types.js';
import { createScheduler } from './index.js';

let c: TestCluster;
let client: ApiClient;
let h: ControllerHarness | undefined;
let ns = '';
let seq = 0;

before(async () => { c = await startTestCluster(); client = testClient(c); });
after(async () => { client.close(); await c.stop(); });

beforeEach(async () => {
  // Each test gets its own namespace; nodes are deleted after each test.
  ns = `t${++seq}`;
  await client.create(R.namespaces, '', { metadata: { name: ns } });
});

afterEach(async () => {
  await h?.stop();
  h = undefined;
  await client.deleteCollection(R.pods, ns, { gracePeriodSeconds: 0 });
  await client.deleteCollection(R.nodes, '');
});

async function startScheduler(): Promise<void> {
  h = await startControllerHarness(c, [(ctx) => createScheduler(ctx, { backoffInitialMs: 50, backoffMaxMs: 200 })]);
}

interface NodeSpec { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: { key: string; value?: string; effect: string }[]; unschedulable?: boolean }

async function createNode(name: string, s: NodeSpec = {}): Promise<void> {
  const capacity = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110' };
  await client.create(R.nodes, '', {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  } satisfies Node);
}

function podSpec(name: string, o: { cpu?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    metadata: { name, labels: o.labels ?? {} },
    spec: { containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: o.cpu ?? '100m', memory: '64Mi' } } }], ...(o.spec ?? {}) },
  };
}

async function createPod(name: string, o: Parameters<typeof podSpec>[1] = {}): Promise<void> {
  await client.create(R.pods, ns, podSpec(name, o));
}

async function nodeOf(name: string, timeoutMs = 10_000): Promise<string> {
  return eventually(async () => (await client.get<Pod>(R.pods, ns, name)).spec?.nodeName, timeoutMs, `pod ${name} bound`);
}

async function podScheduledCondition(name: string): Promise<{ status: string; reason?: string; message?: string } | undefined> {
  const p = await client.get<Pod>(R.pods, ns, name);
  return p.status?.conditions?.find((x) => x.type === 'PodScheduled');
}

async function failedSchedulingMessage(name: string): Promise<string> {
  return eventually(async () => {
    const c2 = await podScheduledCondition(name);
    return c2?.status === 'False' && c2.reason === 'Unschedulable' ? c2.message : undefined;
  }, 10_000, `pod ${name} marked unschedulable`);
}

test('places pods by resources and binds them through pods/binding', async () => {
  await createNode('small', { cpu: '1' });
  await createNode('big', { cpu: '8' });
  await startScheduler();
  await createPod('needs-2-cpu', { cpu: '2' });
  assert.equal(await nodeOf('needs-2-cpu'), 'big');
  const cond = await podScheduledCondition('needs-2-cpu');
  assert.equal(cond?.status, 'True');
  // Consecutive pods see what the earlier ones took (assumed pods): 7 × 1 cpu fill 'big' and 'small'.
  for (let i = 0; i < 7; i++) await createPod(`one-${i}`, { cpu: '1' });
  const placed = await Promise.all(Array.from({ length: 7 }, (_, i) => nodeOf(`one-${i}`)));
  assert.equal(placed.filter((n) => n === 'small').length, 1, `one pod fits on small: ${placed.join(',')}`);
  assert.equal(placed.filter((n) => n === 'big').length, 6);
  // 'Scheduled' events as kube-scheduler records them.
  await eventually(async () => {
    const evs = await client.list<KubeObject & { reason?: string; message?: string }>(R.events, ns, { fieldSelector: 'involvedObject.name=needs-2-cpu' });
    return evs.items.find((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned ${ns}/needs-2-cpu to big`);
  }, 5000, 'Scheduled event');
});

test('nodeSelector and required node affinity (Gt, NotIn, matchFields) choose the node', async () => {
  await createNode('hdd', { labels: { disk: 'hdd', gen: '3' } });
  await createNode('ssd', { labels: { disk: 'ssd', gen: '5' } });
  await createNode('nvme', { labels: { disk: 'nvme', gen: '7' } });
  await startScheduler();
  await createPod('sel', { spec: { nodeSelector: { disk: 'ssd' } } });
  await createPod('gt', {
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }, { key: 'disk', operator: 'NotIn', values: ['ssd'] }] },
    ] } } } },
  });
  await createPod('field', {
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['hdd'] }] },
    ] } } } },
  });
  await createPod('nowhere', { spec: { nodeSelector: { disk: 'tape' } } });
  assert.equal(await nodeOf('sel'), 'ssd');
  assert.equal(await nodeOf('gt'), 'nvme');
  assert.equal(await nodeOf('field'), 'hdd');
  assert.equal(await failedSchedulingMessage('nowhere'),
    "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
});

test('taints keep pods away unless tolerated; cordoned nodes take no pods', async () => {
  await createNode('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  await createNode('cordoned', { unschedulable: true });
  await createNode('plain', { cpu: '1' });
  await startScheduler();
  for (let i = 0; i < 3; i++) await createPod(`p${i}`);
  for (let i = 0; i < 3; i++) assert.equal(await nodeOf(`p${i}`), 'plain');
  await createPod('tolerant', {
    spec: { nodeSelector: { 'kubernetes.io/hostname': 'tainted' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] },
  });
  assert.equal(await nodeOf('tolerant'), 'tainted');
  await createPod('pinned-cordoned', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'cordoned' } } });
  // Each node reports the first filter that rejects it, in kube's plugin order; reasons sort as strings.
  assert.equal(await failedSchedulingMessage('pinned-cordoned'),
    "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. "
    + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
});

test('required pod anti-affinity spreads a group one per node; the extra one waits', async () => {
  for (const n of ['a', 'b', 'c']) await createNode(n);
  await startScheduler();
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  for (let i = 0; i < 4; i++) await createPod(`web-${i}`, { labels: { app: 'web' }, spec: { affinity: anti } });
  const placed = new Set<string>();
  const pending: string[] = [];
  await eventually(async () => {
    const list = await client.list<Pod>(R.pods, ns);
    placed.clear();
    for (const p of list.items) if (p.spec?.nodeName) placed.add(p.spec.nodeName);
    return placed.size === 3;
  }, 10_000, 'three web pods bound');
  const list = await client.list<Pod>(R.pods, ns);
  for (const p of list.items) if (!p.spec?.nodeName) pending.push(p.metadata?.name ?? '');
  assert.equal(pending.length, 1);
  assert.equal(await failedSchedulingMessage(pending[0] as string),
    "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
  // A pod with the group's label but no terms of its own: the existing pods' anti-affinity rejects it.
  await createPod('other', { labels: { app: 'web' } });
  assert.match(await failedSchedulingMessage('other'), /3 node\(s\) didn't satisfy existing pods anti-affinity rules\./);
});

test('topology spread keeps zones within maxSkew', async () => {
  await createNode('z1-a', { labels: { 'topology.kubernetes.io/zone': 'z1' } });
  await createNode('z1-b', { labels: { 'topology.kubernetes.io/zone': 'z1' } });
  await createNode('z2-a', { labels: { 'topology.kubernetes.io/zone': 'z2' } });
  await createNode('no-zone');
  await startScheduler();
  const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'db' } } }];
  for (let i = 0; i < 6; i++) await createPod(`db-${i}`, { labels: { app: 'db' }, spec: { topologySpreadConstraints: spread } });
  const nodes = await Promise.all(Array.from({ length: 6 }, (_, i) => nodeOf(`db-${i}`)));
  const z1 = nodes.filter((n) => n.startsWith('z1')).length;
  const z2 = nodes.filter((n) => n.startsWith('z2')).length;
  assert.equal(nodes.includes('no-zone'), false, 'a node without the topology key is not a domain');
  assert.deepEqual([z1, z2], [3, 3]);
});

test('FailedScheduling: kube\'s message on the event, the PodScheduled condition and kubectl describe', async () => {
  await createNode('cp', { cpu: '8', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  await createNode('w1', { cpu: '1' });
  await createNode('w2', { cpu: '1' });
  await startScheduler();
  await createPod('huge', { cpu: '2' });
  const want = '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. '
    + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
  assert.equal(await failedSchedulingMessage('huge'), want);
  const ev = await eventually(async () => {
    const evs = await client.list<KubeObject & { reason?: string; message?: string; type?: string; source?: { component?: string } }>(R.events, ns, { fieldSelector: 'involvedObject.name=huge' });
    return evs.items.find((e) => e.reason === 'FailedScheduling');
  }, 5000, 'FailedScheduling event');
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, want);
  assert.equal(ev.source?.component, 'default-scheduler');
  const d = await c.kubectl(['describe', 'pod', 'huge', '-n', ns]);
  assert.match(d.stdout, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 1 node\(s\) had untolerated taint/);
  assert.match(d.stdout, /Status:\s+Pending/);
});

test('a pending pod is scheduled when a node that fits is added', async () => {
  await createNode('tiny', { cpu: '500m' });
  await startScheduler();
  await createPod('waiting', { cpu: '2' });
  assert.match(await failedSchedulingMessage('waiting'), /1 Insufficient cpu/);
  await createNode('roomy', { cpu: '4' });
  assert.equal(await nodeOf('waiting', 5000), 'roomy');
});

test('a pod waiting for room is scheduled when a pod on the node is deleted', async () => {
  await createNode('only', { cpu: '1', pods: '2' });
  await startScheduler();
  await createPod('first');
  await createPod('second');
  assert.equal(await nodeOf('first'), 'only');
  assert.equal(await nodeOf('second'), 'only');
  await createPod('third');
  assert.match(await failedSchedulingMessage('third'), /0\/1 nodes are available: 1 Too many pods\./);
  await client.delete(R.pods, ns, 'first', { gracePeriodSeconds: 0 });
  assert.equal(await nodeOf('third', 5000), 'only');
});

test('pods for another scheduler are left alone', async () => {
  await createNode('n1');
  await startScheduler();
  await createPod('mine');
  await createPod('theirs', { spec: { schedulerName: 'other-scheduler' } });
  assert.equal(await nodeOf('mine'), 'n1');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await client.get<Pod>(R.pods, ns, 'theirs')).spec?.nodeName, undefined);
});
