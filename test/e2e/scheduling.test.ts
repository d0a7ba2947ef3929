// Issue 3, item 4: placement as kube-scheduler places pods, on simulated nodes, driven by kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../helpers/sim-cluster.js';
import { eventually } from '../helpers/cluster.js';

let c: SimCluster;
before(async () => {
  c = await startSimCluster();
  await c.startSim(['--nodes', '2', '--name-prefix', 'ssd-', '--labels', 'disk=ssd,zone=z1', '--cpu', '2', '--start-delay', '200ms']);
  await c.startSim(['--nodes', '2', '--name-prefix', 'hdd-', '--labels', 'disk=hdd,zone=z2', '--cpu', '2', '--start-delay', '200ms']);
  await c.startSim(['--nodes', '1', '--name-prefix', 'gpu-', '--labels', 'zone=z3', '--taints', 'gpu=true:NoSchedule', '--cpu', '2', '--start-delay', '200ms']);
  await eventually(async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 5, 30_000, '5 Ready nodes');
});
after(async () => { await c?.stop(); });

async function nodeOf(pod: string): Promise<string> {
  return eventually(async () => (await c.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).stdout, 30_000, `${pod} scheduled`);
}

const pod = (name: string, spec: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: ${name} } }
spec:
  containers: [{ name: c, image: registry.local/web:1 }]
${spec}`;

test('nodeSelector and required node affinity', { timeout: 60_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: pod('sel', '  nodeSelector: { disk: hdd }') });
  assert.match(await nodeOf('sel'), /^hdd-/);
  await c.kubectl(['apply', '-f', '-'], { input: pod('aff', `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{ matchExpressions: [{ key: disk, operator: In, values: [ssd] }, { key: zone, operator: NotIn, values: [z2] }] }]`) });
  assert.match(await nodeOf('aff'), /^ssd-/);
});

test('taints keep pods away unless tolerated', { timeout: 60_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: pod('tol', `  nodeSelector: { zone: z3 }
  tolerations: [{ key: gpu, operator: Equal, value: "true", effect: NoSchedule }]`) });
  assert.equal(await nodeOf('tol'), 'gpu-0');
  await c.kubectl(['apply', '-f', '-'], { input: pod('notol', '  nodeSelector: { zone: z3 }') });
  await eventually(async () => /FailedScheduling/.test((await c.kubectl(['describe', 'pod', 'notol'])).stdout), 30_000, 'FailedScheduling');
  const d = await c.kubectl(['describe', 'pod', 'notol']);
  assert.match(d.stdout, /0\/5 nodes are available: 1 node\(s\) had untolerated taint \{gpu: true\}, 4 node\(s\) didn't match Pod's node affinity\/selector\./);
  assert.equal((await c.kubectl(['get', 'pod', 'notol', '-o', 'jsonpath={.status.phase}'])).stdout, 'Pending');
});

test('required pod anti-affinity spreads replicas one per node', { timeout: 60_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: spread }
spec:
  replicas: 4
  selector: { matchLabels: { app: spread } }
  template:
    metadata: { labels: { app: spread } }
    spec:
      containers: [{ name: c, image: registry.local/web:1 }]
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: { matchLabels: { app: spread } }
            topologyKey: kubernetes.io/hostname
` });
  await c.kubectl(['rollout', 'status', 'deployment/spread', '--timeout=60s']);
  const nodes = (await c.kubectl(['get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={.items[*].spec.nodeName}'])).stdout.split(' ');
  assert.equal(new Set(nodes).size, 4, `one per node: ${nodes.join(',')}`);
  assert.ok(!nodes.includes('gpu-0'));
  // A fifth replica fits nowhere (gpu-0 is tainted).
  await c.kubectl(['scale', 'deployment/spread', '--replicas=5']);
  await eventually(async () => {
    const ev = (await c.kubectl(['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}'])).stdout;
    return /0\/5 nodes are available: 1 node\(s\) had untolerated taint \{gpu: true\}, 4 node\(s\) didn't match pod anti-affinity rules\./.test(ev);
  }, 30_000, 'anti-affinity FailedScheduling');
});

test('an unschedulable pod shows why, and is scheduled when the cluster changes', { timeout: 60_000 }, async () => {
  await c.kubectl(['apply', '-f', '-'], { input: pod('big', '  containers: [{ name: c, image: registry.local/web:1, resources: { requests: { cpu: "3" } } }]').replace('  containers: [{ name: c, image: registry.local/web:1 }]\n', '') });
  await eventually(async () => /0\/5 nodes are available: 1 node\(s\) had untolerated taint \{gpu: true\}, 4 Insufficient cpu\./.test((await c.kubectl(['describe', 'pod', 'big'])).stdout), 30_000, 'Insufficient cpu');
  await c.startSim(['--nodes', '1', '--name-prefix', 'large-', '--cpu', '8', '--start-delay', '200ms']);
  assert.equal(await nodeOf('big'), 'large-0');
});
