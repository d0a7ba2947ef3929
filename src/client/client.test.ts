// The client library against a real in-process API server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../test/helpers/cluster.js';
import { testClient } from '../../test/helpers/controllers.js';
import { createEventRecorder, createInformerFactory, R, runLeaderElection, INDEX_OWNER, type ApiClient } from './index.js';
import { isStatusError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';

let c: TestCluster;
let client: ApiClient;
before(async () => { c = await startTestCluster(); client = testClient(c); });
after(async () => { client.close(); await c.stop(); });

test('CRUD and errors as StatusError', async () => {
  const cm = await client.create(R.configmaps, 'default', { metadata: { name: 'c1' }, data: { a: '1' } });
  assert.equal(cm.kind, 'ConfigMap');
  const got = await client.get<KubeObject & { data: Record<string, string> }>(R.configmaps, 'default', 'c1');
  assert.equal(got.data.a, '1');
  const patched = await client.patch<KubeObject & { data: Record<string, string> }>(R.configmaps, 'default', 'c1', { data: { b: '2' } }, 'strategic');
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  await assert.rejects(client.update(R.configmaps, 'default', { ...got, metadata: { ...got.metadata, resourceVersion: '1' } }),
    (e) => isStatusError(e) && e.code === 409 && e.reason === 'Conflict');
  await assert.rejects(client.get(R.configmaps, 'default', 'nope'), (e) => isStatusError(e) && e.code === 404);
  const list = await client.list(R.configmaps, 'default', { labelSelector: '' });
  assert.ok(list.items.some((i) => i.metadata?.name === 'c1'));
  await client.delete(R.configmaps, 'default', 'c1');
  await assert.rejects(client.get(R.configmaps, 'default', 'c1'), (e) => isStatusError(e) && e.code === 404);
});

test('informer lists, watches, indexes by owner and tells handlers', async () => {
  const factory = createInformerFactory(client);
  const inf = factory.informerFor(R.configmaps, { namespace: 'default' });
  const seen: string[] = [];
  inf.on({
    add: (o) => seen.push(`add ${o.metadata?.name}`),
    update: (_a, b) => seen.push(`update ${b.metadata?.name}`),
    delete: (o) => seen.push(`delete ${o.metadata?.name}`),
  });
  await client.create(R.configmaps, 'default', { metadata: { name: 'pre' } });
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.synced();
  assert.ok(inf.lister.get('default/pre'));
  await client.create(R.configmaps, 'default', {
    metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'pre', uid: 'u-1', controller: true }] },
  });
  await eventually(() => inf.lister.byIndex(INDEX_OWNER, 'u-1').length === 1, 5000, 'owner index');
  await client.patch(R.configmaps, 'default', 'pre', { data: { x: 'y' } }, 'merge');
  await client.delete(R.configmaps, 'default', 'pre');
  await eventually(() => seen.includes('delete pre'), 5000, 'delete seen');
  assert.deepEqual(seen.filter((s) => s.endsWith(' pre')), ['add pre', 'update pre', 'delete pre']);
  assert.ok(Object.isFrozen(inf.lister.get('default/owned')!.metadata), 'cached objects are frozen');
  abort.abort();
});

test('informer relists after its watch revision is compacted (410 Gone) and reports missed deletions', async () => {
  // The real client, with a switch that cuts the informer's watch stream (as a network failure would).
  let cut = new AbortController();
  let watches = 0;
  const flaky: ApiClient = {
    ...client,
    watch: (ref, ns, opts, signal) => {
      watches++;
      return client.watch(ref, ns, opts, AbortSignal.any([signal, cut.signal]));
    },
  };
  const factory = createInformerFactory(flaky);
  const inf = factory.informerFor(R.secrets, { namespace: 'default' });
  const deleted: string[] = [];
  inf.on({ delete: (o) => deleted.push(o.metadata!.name!) });
  await client.create(R.secrets, 'default', { metadata: { name: 's-old' } });
  const abort = new AbortController();
  factory.start(abort.signal);
  await factory.synced();
  await eventually(() => watches === 1, 5000, 'first watch');
  // Disconnected: every watch attempt ends at once while the world changes and history is compacted.
  cut.abort();
  await client.delete(R.secrets, 'default', 's-old');
  const created = await client.create(R.secrets, 'default', { metadata: { name: 's-new' } });
  await c.store.compact(Number(created.metadata!.resourceVersion));
  cut = new AbortController();
  await eventually(() => inf.lister.get('default/s-new'), 5000, 's-new after relist');
  assert.equal(inf.lister.get('default/s-old'), undefined);
  assert.deepEqual(deleted, ['s-old'], 'the deletion missed while disconnected is delivered');
  abort.abort();
});

test('events of the same reason and message are aggregated into one Event with a count', async () => {
  const rec = createEventRecorder(client, { component: 'test-component' });
  const owner = await client.create(R.configmaps, 'default', { metadata: { name: 'evented' } });
  rec.record(owner, 'Normal', 'Poked', 'poked once');
  await rec.flush();
  rec.record(owner, 'Normal', 'Poked', 'poked once');
  rec.record(owner, 'Warning', 'Hurt', 'ouch');
  await rec.flush();
  const evs = (await client.list<KubeObject & { reason: string; count: number; source: { component: string } }>(R.events, 'default', { fieldSelector: 'involvedObject.name=evented' })).items;
  const poked = evs.filter((e) => e.reason === 'Poked');
  assert.equal(poked.length, 1);
  assert.equal(poked[0]!.count, 2);
  assert.equal(poked[0]!.source.component, 'test-component');
  assert.equal(evs.filter((e) => e.reason === 'Hurt').length, 1);
  const out = await c.kubectl(['describe', 'configmap', 'evented']);
  assert.match(out.stdout, /Poked\s+.*poked once/);
});

test('leader election: one leader at a time, the other takes over when it stops', async (t) => {
  const leading: string[] = [];
  const opts = { name: 'test-lock', leaseDurationMs: 1000, renewDeadlineMs: 700, retryPeriodMs: 400 };
  const a = new AbortController();
  const b = new AbortController();
  const run = (id: string, signal: AbortSignal) => runLeaderElection(client, { ...opts, identity: id }, {
    onStartedLeading: (s) => { leading.push(id); return new Promise<void>((r) => s.addEventListener('abort', () => r())); },
  }, signal);
  const ra = run('a', a.signal);
  t.after(() => { a.abort(); b.abort(); });
  await eventually(() => leading.length === 1, 5000, 'first leader');
  const rb = run('b', b.signal);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(leading, ['a'], 'b waits while a renews');
  a.abort(); // no release: as a leader that dies
  await ra;
  type LeaseObj = KubeObject & { spec: { holderIdentity: string; leaseTransitions: number; renewTime: string; acquireTime: string } };
  const lastRenewal = Date.parse((await client.get<LeaseObj>(R.leases, 'kube-system', 'test-lock')).spec.renewTime);
  await eventually(() => leading.length === 2, 5000, 'b takes over');
  // b watched the lease, so it timed a's last renewal when it happened and tried again as it ran
  // out: one lease duration after that renewal, not up to two retry periods later (client-go's polls).
  const takeover = Date.parse((await client.get<LeaseObj>(R.leases, 'kube-system', 'test-lock')).spec.acquireTime) - lastRenewal;
  console.log(`# leader election: b took the lease ${takeover} ms after a's last renewal (lease ${opts.leaseDurationMs} ms, retry ${opts.retryPeriodMs} ms)`);
  assert.ok(takeover >= opts.leaseDurationMs && takeover <= opts.leaseDurationMs + 150, `b took over ${takeover} ms after a's last renewal`);
  assert.deepEqual(leading, ['a', 'b']);
  const lease = await client.get<KubeObject & { spec: { holderIdentity: string; leaseTransitions: number } }>(R.leases, 'kube-system', 'test-lock');
  assert.equal(lease.spec.holderIdentity, 'b');
  assert.equal(lease.spec.leaseTransitions, 1);
  b.abort();
  await rb;
});
