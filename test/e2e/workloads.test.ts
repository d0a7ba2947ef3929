// Issue 3, item 3: DaemonSet, StatefulSet, Job and CronJob on simulated nodes, driven by kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../helpers/sim-cluster.js';
import { eventually } from '../helpers/cluster.js';
import { createClient, createInformerFactory, loadKubeconfig, R, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/machinery/object.js';

type Pod = KubeObject & { spec: { nodeName?: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } };

let c: SimCluster;
let client: ApiClient;
before(async () => {
  c = await startSimCluster();
  client = createClient(loadKubeconfig(c.kubeconfig));
  await c.startSim(['--nodes', '3', '--name-prefix', 'w-', '--start-delay', '300ms']);
  await eventually(async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 3, 30_000, '3 Ready nodes');
});
after(async () => { client?.close(); await c?.stop(); });

test('a DaemonSet has one pod per node and follows a node added later', { timeout: 120_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: agent, image: registry.local/agent:1 }] }
` });
  await c.kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  const nodesOf = async () => (await client.list<Pod>(R.pods, 'default', { labelSelector: 'app=agent' })).items
    .filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.spec.nodeName).sort();
  assert.deepEqual(await nodesOf(), ['w-0', 'w-1', 'w-2']);
  await c.startSim(['--nodes', '1', '--name-prefix', 'late-', '--start-delay', '300ms']);
  await eventually(async () => (await nodesOf()).includes('late-0'), 60_000, 'a pod on the new node');
  await c.kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  assert.match((await c.kubectl(['get', 'ds', 'agent'])).stdout, /agent\s+4\s+4\s+4\s+4\s+4/);
});

test('a StatefulSet creates web-0, web-1, web-2 in order with their PVCs', { timeout: 120_000 }, async () => {
  const factory = createInformerFactory(client);
  const inf = factory.informerFor<Pod>(R.pods, { namespace: 'default', labelSelector: 'app=nginx' });
  const order: string[] = [];
  const readyWhenCreated: Record<string, string[]> = {};
  inf.on({
    add: (p) => {
      order.push(p.metadata!.name!);
      readyWhenCreated[p.metadata!.name!] = inf.lister.list().filter((q) => q.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).map((q) => q.metadata!.name!);
    },
  });
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.synced();
  try {
    await c.kubectl(['apply', '-f', '-'], { input: `
apiVersion: v1
kind: Service
metadata: { name: nginx }
spec: { clusterIP: None, selector: { app: nginx }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  serviceName: nginx
  replicas: 3
  selector: { matchLabels: { app: nginx } }
  template:
    metadata: { labels: { app: nginx } }
    spec: { containers: [{ name: nginx, image: registry.local/web:1, volumeMounts: [{ name: www, mountPath: /usr/share/nginx/html }] }] }
  volumeClaimTemplates:
  - metadata: { name: www }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
` });
    await c.kubectl(['rollout', 'status', 'statefulset/web', '--timeout=90s']);
    assert.deepEqual(order, ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(readyWhenCreated['web-1'], ['web-0'], 'web-1 waits for web-0 to be Ready');
    assert.deepEqual(readyWhenCreated['web-2']?.sort(), ['web-0', 'web-1']);
  } finally {
    abort.abort();
  }
  const pvcs = await c.kubectl(['get', 'pvc', '-o', 'name']);
  assert.deepEqual(pvcs.stdout.trim().split('\n').sort(), ['persistentvolumeclaim/www-web-0', 'persistentvolumeclaim/www-web-1', 'persistentvolumeclaim/www-web-2']);
  assert.match((await c.kubectl(['get', 'sts', 'web'])).stdout, /web\s+3\/3/);
});

test('a Job with completions=5 and parallelism=2 completes, never running more than 2', { timeout: 120_000 }, async () => {
  const factory = createInformerFactory(client);
  const inf = factory.informerFor<Pod>(R.pods, { namespace: 'default', labelSelector: 'job-name=five' });
  let maxActive = 0;
  const check = () => { maxActive = Math.max(maxActive, inf.lister.list().filter((p) => !p.metadata?.deletionTimestamp && (p.status?.phase ?? 'Pending') !== 'Succeeded' && p.status?.phase !== 'Failed').length); };
  inf.on({ add: check, update: check });
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.synced();
  try {
    await c.kubectl(['apply', '-f', '-'], { input: `
apiVersion: batch/v1
kind: Job
metadata: { name: five }
spec:
  completions: 5
  parallelism: 2
  template:
    metadata: { annotations: { sim.k8ts.io/run-for: 500ms } }
    spec: { restartPolicy: Never, containers: [{ name: work, image: registry.local/busybox:1 }] }
` });
    await c.kubectl(['wait', '--for=condition=complete', 'job/five', '--timeout=90s'], { timeoutMs: 100_000 });
  } finally {
    abort.abort();
  }
  assert.ok(maxActive <= 2, `at most 2 active pods (saw ${maxActive})`);
  assert.match((await c.kubectl(['get', 'job', 'five'])).stdout, /five\s+Complete\s+5\/5/);
});

test('a CronJob creates Jobs on schedule and keeps only its history limit', { timeout: 200_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: `
apiVersion: batch/v1
kind: CronJob
metadata: { name: tick }
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        metadata: { annotations: { sim.k8ts.io/run-for: 200ms } }
        spec: { restartPolicy: Never, containers: [{ name: tick, image: registry.local/busybox:1 }] }
` });
  // Two schedule times pass (up to two minutes): two Jobs run, only the last is kept.
  const seen = new Set<string>();
  await eventually(async () => {
    for (const j of (await client.list(R.jobs, 'default', {})).items) if (j.metadata!.name!.startsWith('tick-')) seen.add(j.metadata!.name!);
    return seen.size >= 2;
  }, 150_000, 'two scheduled Jobs');
  await eventually(async () => {
    const jobs = (await client.list<KubeObject & { status?: { succeeded?: number } }>(R.jobs, 'default', {})).items.filter((j) => j.metadata!.name!.startsWith('tick-'));
    return jobs.length === 1 && jobs[0]!.status?.succeeded === 1;
  }, 30_000, 'history trimmed to one successful Job');
  const cj = await c.kubectl(['get', 'cronjob', 'tick']);
  assert.match(cj.stdout, /tick\s+\* \* \* \* \*\s+\S+\s+False\s+\d+\s+\d+s/);
  for (const name of seen) assert.match(name, /^tick-\d{8}$/, 'Job names carry the scheduled minute');
});
