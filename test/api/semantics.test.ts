// API semantics kube-apiserver users rely on: generation, status and scale subresources, dry run,
// graceful pod deletion, finalizers and propagation policy, deletecollection, binding.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { withGet } from '../helpers/store.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } } },
});
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'img:1' }], ...extra } });
const D = '/apis/apps/v1/namespaces/default/deployments';
const P = '/api/v1/namespaces/default/pods';

test('generation moves with spec only; status is its own subresource', async () => {
  const created = (await c.request('POST', D, { body: deployment('gen') })).json();
  assert.equal(created.metadata.generation, 1);
  assert.deepEqual(created.status ?? {}, {});
  // Labels are metadata: no generation bump.
  const labeled = (await c.request('PATCH', `${D}/gen`, { raw: '{"metadata":{"labels":{"x":"y"}}}', contentType: 'application/merge-patch+json' })).json();
  assert.equal(labeled.metadata.generation, 1);
  // status through the main resource is ignored...
  const viaMain = (await c.request('PATCH', `${D}/gen`, { raw: '{"status":{"replicas":7}}', contentType: 'application/merge-patch+json' })).json();
  assert.equal(viaMain.status?.replicas, undefined);
  // ...and through /status it lands without touching spec or generation.
  const viaStatus = await c.request('PATCH', `${D}/gen/status`, { raw: '{"status":{"replicas":7,"observedGeneration":1}}', contentType: 'application/merge-patch+json' });
  assert.equal(viaStatus.status, 200);
  assert.equal(viaStatus.json().status.replicas, 7);
  assert.equal(viaStatus.json().metadata.generation, 1);
  const specChange = (await c.request('PATCH', `${D}/gen`, { raw: '{"spec":{"replicas":3}}', contentType: 'application/merge-patch+json' })).json();
  assert.equal(specChange.metadata.generation, 2);
  assert.equal(specChange.status.replicas, 7, 'a spec update keeps status');
});

test('scale subresource reads and writes spec.replicas as autoscaling/v1 Scale', async () => {
  await c.request('POST', D, { body: deployment('sc', 2) });
  const scale = (await c.request('GET', `${D}/sc/scale`)).json();
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.apiVersion, 'autoscaling/v1');
  assert.equal(scale.spec.replicas, 2);
  assert.equal(scale.status.selector, 'app=sc');
  const put = await c.request('PUT', `${D}/sc/scale`, { body: { ...scale, spec: { replicas: 5 } } });
  assert.equal(put.status, 200);
  assert.equal((await c.request('GET', `${D}/sc`)).json().spec.replicas, 5);
  const stale = await c.request('PUT', `${D}/sc/scale`, { body: { ...scale, spec: { replicas: 6 } } });
  assert.equal(stale.status, 409, 'a Scale with an old resourceVersion conflicts');
  const neg = await c.request('PATCH', `${D}/sc/scale`, { raw: '{"spec":{"replicas":-1}}', contentType: 'application/merge-patch+json' });
  assert.equal(neg.status, 422);
});

test('dryRun=All validates and answers without storing', async () => {
  const r = await c.request('POST', `${D}?dryRun=All`, { body: deployment('dry') });
  assert.equal(r.status, 201);
  assert.equal(r.json().metadata.name, 'dry');
  assert.equal((await c.request('GET', `${D}/dry`)).status, 404);
  const bad = await c.request('POST', `${D}?dryRun=All`, { body: deployment('Dry') });
  assert.equal(bad.status, 422);
});

test('generateName makes a unique name', async () => {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } };
  const a = (await c.request('POST', '/api/v1/namespaces/default/configmaps', { body })).json();
  const b = (await c.request('POST', '/api/v1/namespaces/default/configmaps', { body })).json();
  assert.match(a.metadata.name, /^gen-[a-z0-9]{5}$/);
  assert.notEqual(a.metadata.name, b.metadata.name);
  assert.match(a.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(a.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('pods: binding sets the node; deleting a bound pod is graceful; an unbound pod goes at once', async () => {
  await c.request('POST', P, { body: pod('bound') });
  const bind = await c.request('POST', `${P}/bound/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } } });
  assert.equal(bind.status, 201);
  const bound = (await c.request('GET', `${P}/bound`)).json();
  assert.equal(bound.spec.nodeName, 'node-1');
  assert.equal(bound.status.conditions.find((x: { type: string }) => x.type === 'PodScheduled').status, 'True');
  const again = await c.request('POST', `${P}/bound/binding`, { body: { target: { name: 'node-2' } } });
  assert.equal(again.status, 409);
  const del = await c.request('DELETE', `${P}/bound`);
  assert.equal(del.status, 200);
  assert.ok(del.json().metadata.deletionTimestamp, 'graceful: marked, not removed');
  assert.equal(del.json().metadata.deletionGracePeriodSeconds, 30);
  assert.equal((await c.request('GET', `${P}/bound`)).status, 200);
  const force = await c.request('DELETE', `${P}/bound`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
  assert.equal(force.status, 200);
  assert.equal((await c.request('GET', `${P}/bound`)).status, 404);

  await c.request('POST', P, { body: pod('unbound') });
  assert.equal((await c.request('DELETE', `${P}/unbound`)).status, 200);
  assert.equal((await c.request('GET', `${P}/unbound`)).status, 404);
  // kube defaults: tolerations for not-ready/unreachable (300 s), Pending phase, QoS class.
  const p = (await c.request('POST', P, { body: pod('defaults') })).json();
  assert.equal(p.status.phase, 'Pending');
  assert.equal(p.status.qosClass, 'BestEffort');
  assert.ok(p.spec.tolerations.some((t: { key: string; tolerationSeconds: number }) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300));
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.equal(p.spec.containers[0].terminationMessagePath, '/dev/termination-log');
});

test('finalizers hold deletion; propagationPolicy is recorded as a finalizer', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } };
  await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm });
  const del = await c.request('DELETE', '/api/v1/namespaces/default/configmaps/held');
  assert.equal(del.status, 200);
  assert.ok(del.json().metadata.deletionTimestamp);
  assert.equal((await c.request('GET', '/api/v1/namespaces/default/configmaps/held')).status, 200);
  const release = await c.request('PATCH', '/api/v1/namespaces/default/configmaps/held', { raw: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json' });
  assert.equal(release.status, 200);
  assert.equal((await c.request('GET', '/api/v1/namespaces/default/configmaps/held')).status, 404, 'removing the last finalizer completes the deletion');

  await c.request('POST', D, { body: deployment('orph') });
  const orphan = await c.request('DELETE', `${D}/orph`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' } });
  assert.deepEqual(orphan.json().metadata.finalizers, ['orphan']);
  await c.request('POST', D, { body: deployment('fg') });
  const fg = await c.request('DELETE', `${D}/fg?propagationPolicy=Foreground`);
  assert.deepEqual(fg.json().metadata.finalizers, ['foregroundDeletion']);
  const pre = await c.request('DELETE', `${D}/gen`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } } });
  assert.equal(pre.status, 409);
});

test('deletecollection honours the label selector', async () => {
  for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) {
    await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `dc-${name}`, labels: { tier: tier as string } } } });
  }
  const r = await c.request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dx');
  assert.equal(r.status, 200);
  const left = (await c.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=tier')).json();
  assert.deepEqual(left.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['dc-c']);
});

test('namespaces: objects need an existing namespace; system namespaces cannot be deleted', async () => {
  const r = await c.request('POST', '/api/v1/namespaces/nowhere/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } });
  assert.equal(r.status, 404);
  assert.match(r.json().message, /namespaces "nowhere" not found/);
  const d = await c.request('DELETE', '/api/v1/namespaces/kube-system');
  assert.equal(d.status, 403);
  await c.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } });
  const del = await c.request('DELETE', '/api/v1/namespaces/doomed');
  assert.equal(del.json().status.phase, 'Terminating');
  const refused = await c.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } });
  assert.equal(refused.status, 403);
  // finalize (what the namespace controller calls when the namespace is empty) completes the deletion.
  const ns = (await c.request('GET', '/api/v1/namespaces/doomed')).json();
  const fin = await c.request('PUT', '/api/v1/namespaces/doomed/finalize', { body: { ...ns, spec: { finalizers: [] } } });
  assert.equal(fin.status, 200);
  assert.equal((await c.request('GET', '/api/v1/namespaces/doomed')).status, 404);
});

describe('writes racing on one object (reads made slow so that they overlap)', () => {
  // Each read of these objects waits a little, so concurrent requests all read the same version
  // and all but one find it changed when they write: the case kube-apiserver's GuaranteedUpdate
  // retries.
  let r: TestCluster;
  before(async () => {
    const slow = /poddisruptionbudgets|configmaps\/default\/raced/;
    r = await startTestCluster({
      wrapStore: (store) => withGet(store, async (target, key, revision) => {
        if (slow.test(key)) await new Promise((ok) => setTimeout(ok, 15));
        return target.get(key, revision);
      }),
    });
  });
  after(() => r?.stop());

  test('concurrent evictions and budget status writes: each eviction is 201 or 429, never 409', async () => {
    // kubectl drain evicts pods in parallel while the disruption controller rewrites the budget's
    // status; kube-apiserver redoes its budget update on conflict, so drain never sees a 409.
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    for (const n of names) {
      await r.request('POST', P, { body: { ...pod(n), metadata: { name: n, labels: { app: 'raced' } } } });
      await r.request('PATCH', `${P}/${n}/status`, { raw: '{"status":{"phase":"Running"}}', contentType: 'application/merge-patch+json' });
    }
    const PDB = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
    await r.request('POST', PDB, { body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'raced' }, spec: { minAvailable: 3, selector: { matchLabels: { app: 'raced' } } } } });
    await r.request('PATCH', `${PDB}/raced/status`, { raw: '{"status":{"observedGeneration":1,"currentHealthy":6,"desiredHealthy":3,"expectedPods":6,"disruptionsAllowed":3}}', contentType: 'application/merge-patch+json' });
    const controllerWrites = Array.from({ length: 6 }, (_, i) => r.request('PATCH', `${PDB}/raced/status`, { raw: JSON.stringify({ status: { currentHealthy: 6 - (i % 2) } }), contentType: 'application/merge-patch+json' }));
    const evictions = await Promise.all(names.map((n) => r.request('POST', `${P}/${n}/eviction`, { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: n } } })));
    for (const w of await Promise.all(controllerWrites)) assert.equal(w.status, 200, w.body);
    const codes = evictions.map((e) => e.status);
    for (const e of evictions) assert.ok(e.status === 201 || e.status === 429, `eviction answered ${e.status}: ${e.body}`);
    assert.equal(codes.filter((s) => s === 201).length, 3, `three disruptions allowed, got ${codes}`);
    const pdb = (await r.request('GET', `${PDB}/raced`)).json();
    assert.equal(pdb.status.disruptionsAllowed, 0);
    assert.equal(Object.keys(pdb.status.disruptedPods).length, 3);
  });

  test('concurrent patches all land; a PUT pinned to an old resourceVersion still gets 409', async () => {
    const CM = '/api/v1/namespaces/default/configmaps';
    await r.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raced' }, data: {} } });
    const stale = (await r.request('GET', `${CM}/raced`)).json();
    const patches = await Promise.all(Array.from({ length: 8 }, (_, i) => r.request('PATCH', `${CM}/raced`, { raw: JSON.stringify({ data: { [`k${i}`]: 'v' } }), contentType: 'application/merge-patch+json' })));
    for (const p of patches) assert.equal(p.status, 200, p.body);
    const put = await r.request('PUT', `${CM}/raced`, { body: { ...stale, data: { only: 'me' } } });
    assert.equal(put.status, 409, put.body);
    assert.equal(Object.keys((await r.request('GET', `${CM}/raced`)).json().data).length, 8);
  });
});

test('pods/eviction spends a PodDisruptionBudget and refuses when none is left', async () => {
  const labeled = (name: string) => ({ ...pod(name), metadata: { name, labels: { app: 'guarded' } } });
  for (const n of ['g1', 'g2']) {
    await c.request('POST', P, { body: labeled(n) });
    await c.request('PATCH', `${P}/${n}/status`, { raw: '{"status":{"phase":"Running"}}', contentType: 'application/merge-patch+json' });
  }
  const PDB = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
  await c.request('POST', PDB, { body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } } });
  // What the disruption controller would write: 2 healthy, 1 needed, so 1 disruption allowed.
  await c.request('PATCH', `${PDB}/guard/status`, { raw: '{"status":{"observedGeneration":1,"currentHealthy":2,"desiredHealthy":1,"expectedPods":2,"disruptionsAllowed":1}}', contentType: 'application/merge-patch+json' });
  const evict = (name: string) => c.request('POST', `${P}/${name}/eviction`, { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } } });
  const first = await evict('g1');
  assert.equal(first.status, 201, first.body);
  assert.equal((await c.request('GET', `${P}/g1`)).status, 404);
  const pdb = (await c.request('GET', `${PDB}/guard`)).json();
  assert.equal(pdb.status.disruptionsAllowed, 0);
  assert.ok(pdb.status.disruptedPods.g1);
  const second = await evict('g2');
  assert.equal(second.status, 429);
  assert.match(second.json().message, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.equal((await c.request('GET', `${P}/g2`)).status, 200);
});
