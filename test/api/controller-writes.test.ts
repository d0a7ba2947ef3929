// API semantics controllers rely on: annotations through status, UID preconditions, sparse paged lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const deployment = (name: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { a: 'b' } },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
});

test('deployments/status writes status and annotations, not spec or labels, and leaves generation alone', async () => {
  const d = (await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('st') })).json();
  d.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
  d.metadata.labels = { changed: 'yes' };
  d.spec.replicas = 7;
  d.status = { observedGeneration: 1, replicas: 0 };
  const r = await c.request('PUT', '/apis/apps/v1/namespaces/default/deployments/st/status', { body: d });
  assert.equal(r.status, 200, r.body);
  const got = r.json();
  assert.equal(got.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  assert.deepEqual(got.metadata.labels, { a: 'b' });
  assert.equal(got.spec.replicas, 1);
  assert.equal(got.metadata.generation, 1);
  assert.equal(got.status.observedGeneration, 1);
});

test('an update or patch naming another uid is a 409 Conflict (the object was replaced)', async () => {
  const cm = (await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'u' } } })).json();
  const put = await c.request('PUT', '/api/v1/namespaces/default/configmaps/u', { body: { ...cm, metadata: { ...cm.metadata, uid: 'someone-else' } } });
  assert.equal(put.status, 409);
  assert.match(put.json().message, /Precondition failed: UID in precondition: someone-else/);
  const patch = await c.request('PATCH', '/api/v1/namespaces/default/configmaps/u', { body: { metadata: { uid: 'someone-else' }, data: { a: 'b' } }, contentType: 'application/merge-patch+json' });
  assert.equal(patch.status, 409);
  const ok = await c.request('PATCH', '/api/v1/namespaces/default/configmaps/u', { body: { metadata: { uid: cm.metadata.uid }, data: { a: 'b' } }, contentType: 'application/merge-patch+json' });
  assert.equal(ok.status, 200);
});

test('a paged list with a selector that matches few objects returns them all, page by page', async () => {
  for (let i = 0; i < 300; i++) {
    await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `sparse-${String(i).padStart(3, '0')}`, labels: i % 97 === 0 ? { pick: 'me' } : { pick: 'no' } } } });
  }
  const names: string[] = [];
  let cont = '';
  let pages = 0;
  do {
    const r = (await c.request('GET', `/api/v1/namespaces/default/configmaps?labelSelector=pick%3Dme&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json();
    names.push(...r.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    assert.ok(r.items.length <= 2);
    cont = r.metadata.continue ?? '';
    pages++;
  } while (cont && pages < 10);
  assert.deepEqual(names, ['sparse-000', 'sparse-097', 'sparse-194', 'sparse-291']);
});
