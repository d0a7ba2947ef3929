// Issue 3, item 5: cascading deletion and namespace deletion, driven by kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../helpers/sim-cluster.js';
import { eventually } from '../helpers/cluster.js';

let c: SimCluster;
before(async () => {
  c = await startSimCluster();
  await c.startSim(['--nodes', '2', '--name-prefix', 'd-', '--start-delay', '200ms']);
  await eventually(async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 2, 30_000, 'nodes Ready');
});
after(async () => { await c?.stop(); });

const names = async (what: string, ns = 'default') => (await c.kubectl(['get', what, '-n', ns, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);

test('kubectl delete deployment removes its ReplicaSets and pods; --cascade=orphan keeps them', { timeout: 120_000 }, async () => {
  await c.kubectl(['create', 'deployment', 'gone', '--image=registry.local/web:1', '--replicas=2']);
  await c.kubectl(['rollout', 'status', 'deployment/gone', '--timeout=60s']);
  await c.kubectl(['delete', 'deployment', 'gone']);
  await eventually(async () => (await names('rs')).filter((n) => n.includes('gone')).length === 0, 30_000, 'ReplicaSet removed');
  await eventually(async () => (await names('pods')).filter((n) => n.includes('gone')).length === 0, 30_000, 'pods removed');

  await c.kubectl(['create', 'deployment', 'kept', '--image=registry.local/web:1', '--replicas=2']);
  await c.kubectl(['rollout', 'status', 'deployment/kept', '--timeout=60s']);
  await c.kubectl(['delete', 'deployment', 'kept', '--cascade=orphan']);
  await eventually(async () => (await c.kubectlRaw(['get', 'deployment', 'kept'])).code !== 0, 30_000, 'deployment gone');
  await new Promise((r) => setTimeout(r, 2000));
  const rs = (await names('rs')).filter((n) => n.includes('kept'));
  assert.equal(rs.length, 1, 'the ReplicaSet is kept');
  const owners = await c.kubectl(['get', rs[0]!, '-o', 'jsonpath={.metadata.ownerReferences}']);
  assert.equal(owners.stdout, '', 'and no longer owned');
  assert.equal((await names('pods')).filter((n) => n.includes('kept')).length, 2, 'its pods are kept');
});

test('kubectl delete namespace removes everything in it, then the namespace', { timeout: 120_000 }, async () => {
  await c.kubectl(['create', 'namespace', 'doomed']);
  await c.kubectl(['-n', 'doomed', 'create', 'deployment', 'app', '--image=registry.local/web:1', '--replicas=2']);
  await c.kubectl(['-n', 'doomed', 'create', 'configmap', 'cfg', '--from-literal=a=b']);
  await c.kubectl(['-n', 'doomed', 'create', 'service', 'clusterip', 'app', '--tcp=80:80']);
  await c.kubectl(['-n', 'doomed', 'rollout', 'status', 'deployment/app', '--timeout=60s']);
  const del = await c.kubectl(['delete', 'namespace', 'doomed', '--timeout=90s'], { timeoutMs: 100_000 });
  assert.match(del.stdout, /namespace "doomed" deleted/);
  const gone = await c.kubectlRaw(['get', 'namespace', 'doomed']);
  assert.match(gone.stderr, /NotFound/);
  for (const path of ['/api/v1/namespaces/doomed/pods', '/apis/apps/v1/namespaces/doomed/replicasets', '/apis/apps/v1/namespaces/doomed/deployments',
    '/api/v1/namespaces/doomed/configmaps', '/api/v1/namespaces/doomed/services', '/api/v1/namespaces/doomed/serviceaccounts', '/api/v1/namespaces/doomed/endpoints']) {
    const list = JSON.parse((await c.kubectl(['get', '--raw', path])).stdout) as { items: unknown[] };
    assert.equal(list.items.length, 0, `${path} is empty`);
  }
});
