// Issue 3, items 1 and 2: Deployments on simulated nodes driven by the real kubectl, against
// `k8ts server` and `k8ts sim` processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../helpers/sim-cluster.js';
import { eventually } from '../helpers/cluster.js';
import { createClient, createInformerFactory, loadKubeconfig, R, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/machinery/object.js';

type Pod = KubeObject & { spec: { nodeName?: string; containers: { image: string }[] }; status?: { phase?: string; conditions?: { type: string; status: string }[] } };

let c: SimCluster;
let client: ApiClient;
before(async () => {
  c = await startSimCluster(['--node-monitor-grace-period', '3s', '--default-unreachable-toleration-seconds', '3', '--default-not-ready-toleration-seconds', '3']);
  client = createClient(loadKubeconfig(c.kubeconfig));
  await c.startSim(['--nodes', '3', '--name-prefix', 'a-', '--start-delay', '300ms', '--heartbeat', '1s']);
  await eventually(async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 3, 30_000, '3 Ready nodes');
});
after(async () => { client?.close(); await c?.stop(); });

const isReady = (p: Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

async function podsOf(app: string): Promise<Pod[]> {
  return (await client.list<Pod>(R.pods, 'default', { labelSelector: `app=${app}` })).items;
}

async function runningCount(app: string): Promise<number> {
  return (await podsOf(app)).filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && isReady(p)).length;
}

test('a 3-replica Deployment runs on 3 sim nodes; scale to 10 and back', { timeout: 120_000 }, async () => {
  await c.kubectl(['create', 'deployment', 'web', '--image=registry.local/web:1', '--replicas=3']);
  await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  const pods = await podsOf('web');
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => p.spec.nodeName?.startsWith('a-') && p.status?.phase === 'Running'));
  const wide = await c.kubectl(['get', 'pods', '-o', 'wide', '-l', 'app=web']);
  assert.match(wide.stdout, /web-\w+-\w+\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+a-/);

  await c.kubectl(['scale', 'deployment/web', '--replicas=10']);
  await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(await runningCount('web'), 10);
  const dep = await c.kubectl(['get', 'deployment', 'web']);
  assert.match(dep.stdout, /web\s+10\/10\s+10\s+10/);

  await c.kubectl(['scale', 'deployment/web', '--replicas=3']);
  await eventually(async () => (await podsOf('web')).length === 3, 60_000, 'back to 3 pods');
  assert.match((await c.kubectl(['get', 'deployment', 'web'])).stdout, /web\s+3\/3\s+3\s+3/);
});

test('kubectl set image rolls out within maxSurge/maxUnavailable; rollout history, undo, pause, resume, restart', { timeout: 180_000 }, async () => {
  await c.kubectl(['create', 'deployment', 'roll', '--image=registry.local/web:1', '--replicas=4']);
  await c.kubectl(['patch', 'deployment', 'roll', '-p', '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":1}}}}']);
  await c.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=60s']);

  // Watch every pod change during the rollout and check the bounds on each one.
  const factory = createInformerFactory(client);
  const inf = factory.informerFor<Pod>(R.pods, { namespace: 'default', labelSelector: 'app=roll' });
  let maxTotal = 0;
  let minAvailable = Infinity;
  const check = () => {
    const live = inf.lister.list().filter((p) => !p.metadata?.deletionTimestamp);
    maxTotal = Math.max(maxTotal, live.length);
    minAvailable = Math.min(minAvailable, live.filter((p) => isReady(p as Pod)).length);
  };
  inf.on({ add: check, update: check, delete: check });
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.synced();
  // Bounds count from the full cache: forget what the initial adds saw one pod at a time.
  maxTotal = 0;
  minAvailable = Infinity;
  check();
  assert.equal(minAvailable, 4);
  try {
    // As the Kubernetes docs do it: the change-cause is annotated after the change it describes.
    await c.kubectl(['set', 'image', 'deployment/roll', 'web=registry.local/web:2']);
    await c.kubectl(['annotate', 'deployment/roll', 'kubernetes.io/change-cause=image v2']);
    const st = await c.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=90s']);
    assert.match(st.stdout, /successfully rolled out/);
    const pods = await podsOf('roll');
    assert.equal(pods.filter((p) => !p.metadata?.deletionTimestamp && p.spec.containers[0]!.image === 'registry.local/web:2').length, 4);
    assert.ok(maxTotal <= 5, `never more than replicas+maxSurge=5 pods (saw ${maxTotal})`);
    assert.ok(minAvailable >= 3, `never fewer than replicas-maxUnavailable=3 ready (saw ${minAvailable})`);
  } finally {
    abort.abort();
  }

  const hist = await c.kubectl(['rollout', 'history', 'deployment/roll']);
  assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image v2/);
  assert.match((await c.kubectl(['rollout', 'history', 'deployment/roll', '--revision=2'])).stdout, /registry\.local\/web:2/);

  await c.kubectl(['rollout', 'undo', 'deployment/roll']);
  await c.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=90s']);
  const img = await c.kubectl(['get', 'deployment', 'roll', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  assert.equal(img.stdout, 'registry.local/web:1');
  assert.match((await c.kubectl(['rollout', 'history', 'deployment/roll'])).stdout, /\n2\s+image v2\n3\s+/, 'undo makes revision 1 the new revision 3');

  await c.kubectl(['rollout', 'pause', 'deployment/roll']);
  await c.kubectl(['set', 'image', 'deployment/roll', 'web=registry.local/web:3']);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await podsOf('roll')).filter((p) => p.spec.containers[0]!.image === 'registry.local/web:3').length, 0, 'a paused Deployment does not roll out');
  const paused = await c.kubectlRaw(['rollout', 'status', 'deployment/roll', '--timeout=2s']);
  assert.notEqual(paused.code, 0);
  await c.kubectl(['rollout', 'resume', 'deployment/roll']);
  await c.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=90s']);
  assert.equal((await podsOf('roll')).filter((p) => !p.metadata?.deletionTimestamp && p.spec.containers[0]!.image === 'registry.local/web:3').length, 4);

  const before = new Set((await podsOf('roll')).map((p) => p.metadata!.name));
  await c.kubectl(['rollout', 'restart', 'deployment/roll']);
  await c.kubectl(['rollout', 'status', 'deployment/roll', '--timeout=90s']);
  await eventually(async () => {
    const live = (await podsOf('roll')).filter((p) => !p.metadata?.deletionTimestamp);
    return live.length === 4 && live.every((p) => !before.has(p.metadata!.name!));
  }, 60_000, 'every pod replaced by restart');
});

test('a deleted pod is replaced; a cordoned node gets no pods; drain empties a node honouring a PDB', { timeout: 180_000 }, async () => {
  await c.kubectl(['create', 'deployment', 'heal', '--image=registry.local/web:1', '--replicas=3']);
  await c.kubectl(['rollout', 'status', 'deployment/heal', '--timeout=60s']);
  const victim = (await podsOf('heal'))[0]!.metadata!.name!;
  await c.kubectl(['delete', 'pod', victim, '--wait=false']);
  await eventually(async () => {
    const live = (await podsOf('heal')).filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running');
    return live.length === 3 && !live.some((p) => p.metadata!.name === victim);
  }, 60_000, 'the deleted pod replaced');

  await c.kubectl(['cordon', 'a-0']);
  assert.match((await c.kubectl(['get', 'node', 'a-0'])).stdout, /SchedulingDisabled/);
  await c.kubectl(['scale', 'deployment/heal', '--replicas=9']);
  await c.kubectl(['rollout', 'status', 'deployment/heal', '--timeout=60s']);
  const onA0 = (await podsOf('heal')).filter((p) => p.spec.nodeName === 'a-0' && !p.metadata?.deletionTimestamp);
  const before = (await podsOf('heal')).filter((p) => p.spec.nodeName === 'a-0').map((p) => p.metadata!.name);
  // Only pods that were there before the cordon may be on a-0.
  assert.ok(onA0.every((p) => before.includes(p.metadata!.name!)));
  await c.kubectl(['uncordon', 'a-0']);

  // Drain a-1 with a PDB that allows only one disruption at a time.
  await c.kubectl(['scale', 'deployment/heal', '--replicas=3']);
  await eventually(async () => (await podsOf('heal')).length === 3, 60_000, '3 pods');
  await c.kubectl(['create', 'pdb', 'heal', '--selector=app=heal', '--min-available=2']);
  await eventually(async () => (await c.kubectl(['get', 'pdb', 'heal', '-o', 'jsonpath={.status.disruptionsAllowed}'])).stdout === '1', 30_000, 'PDB allows 1');
  const drain = await c.kubectl(['drain', 'a-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s'], { timeoutMs: 120_000 });
  assert.match(drain.stdout, /node\/a-1 drained/);
  const left = (await podsOf('heal')).filter((p) => p.spec.nodeName === 'a-1' && !p.metadata?.deletionTimestamp);
  assert.equal(left.length, 0);
  await eventually(async () => (await runningCount('heal')) === 3, 60_000, 'replacements running elsewhere');
  await c.kubectl(['uncordon', 'a-1']);
});

test('a stopped sim node goes NotReady, is tainted, and its pods are rescheduled after the eviction timeout', { timeout: 120_000 }, async () => {
  const sim = await c.startSim(['--nodes', '1', '--name-prefix', 'b-', '--start-delay', '300ms', '--heartbeat', '1s']);
  await eventually(async () => /b-0\s+Ready/.test((await c.kubectl(['get', 'nodes'])).stdout), 30_000, 'b-0 Ready');
  for (const n of ['a-0', 'a-1', 'a-2']) await c.kubectl(['cordon', n]);
  await c.kubectl(['create', 'deployment', 'moved', '--image=registry.local/web:1', '--replicas=2']);
  await c.kubectl(['rollout', 'status', 'deployment/moved', '--timeout=60s']);
  assert.ok((await podsOf('moved')).every((p) => p.spec.nodeName === 'b-0'));
  for (const n of ['a-0', 'a-1', 'a-2']) await c.kubectl(['uncordon', n]);

  await sim.stop('SIGKILL');
  await eventually(async () => /b-0\s+NotReady/.test((await c.kubectl(['get', 'nodes'])).stdout), 30_000, 'b-0 NotReady');
  const taints = await c.kubectl(['get', 'node', 'b-0', '-o', 'jsonpath={.spec.taints[*].key}']);
  assert.match(taints.stdout, /node\.kubernetes\.io\/unreachable/);
  await eventually(async () => {
    const live = (await podsOf('moved')).filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running');
    return live.length === 2 && live.every((p) => p.spec.nodeName?.startsWith('a-'));
  }, 60_000, 'pods rescheduled on live nodes');
  const ev = await c.kubectl(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
  assert.match(ev.stdout, /Marking for deletion Pod default\/moved-/);
});
