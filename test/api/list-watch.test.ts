// LIST paging and resourceVersion semantics, WATCH from a revision, bookmarks, 410 Gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster({ bookmarkIntervalSeconds: 1 }); });
after(async () => { await c.stop(); });

const CM = '/api/v1/namespaces/default/configmaps';
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { set: 'page' } }, data: { n: name } });

/** Read a watch stream until `until` says stop (or timeout); returns the events. */
function watch(path: string, until: (events: any[]) => boolean, timeoutMs = 5000): Promise<any[]> {
  return watchOn(c, path, until, timeoutMs);
}

function watchOn(c: TestCluster, path: string, until: (events: any[]) => boolean, timeoutMs = 5000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, c.url);
    const events: any[] = [];
    const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, ca: c.pki.ca.certPem, cert: c.pki.admin.certPem, key: c.pki.admin.keyPem }, (res) => {
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { events.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
        if (until(events)) { req.destroy(); resolve(events); }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    setTimeout(() => { req.destroy(); resolve(events); }, timeoutMs);
    req.end();
  });
}

test('limit/continue pages through a list at one revision', async () => {
  for (let i = 0; i < 7; i++) await c.request('POST', CM, { body: cm(`p${i}`) });
  const first = (await c.request('GET', `${CM}?labelSelector=set%3Dpage&limit=3`)).json();
  assert.equal(first.items.length, 3);
  assert.ok(first.metadata.continue);
  await c.request('POST', CM, { body: cm('p9-late') });
  const names = first.items.map((i: any) => i.metadata.name);
  let token = first.metadata.continue;
  while (token) {
    const page = (await c.request('GET', `${CM}?labelSelector=set%3Dpage&limit=3&continue=${encodeURIComponent(token)}`)).json();
    assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion, 'pages share the first page\'s revision');
    names.push(...page.items.map((i: any) => i.metadata.name));
    token = page.metadata.continue;
  }
  assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'], 'an object created after the first page is not in this list');
  const unfiltered = (await c.request('GET', `${CM}?limit=2`)).json();
  assert.equal(unfiltered.metadata.remainingItemCount, 6);
  const bad = await c.request('GET', `${CM}?limit=2&continue=garbage`);
  assert.equal(bad.status, 400);
});

test('a list of several MiB arrives whole: every item, valid JSON, the length it announced', async () => {
  // Lists are written in batches as the client reads them; this one spans several batches.
  const big = 'x'.repeat(8 * 1024);
  const names = Array.from({ length: 400 }, (_, i) => `big-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(names.slice(i, i + 50).map((name) => c.request('POST', '/api/v1/namespaces/kube-public/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { big } } })));
  }
  const r = await c.request('GET', '/api/v1/namespaces/kube-public/configmaps');
  assert.equal(r.status, 200);
  assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
  assert.ok(Buffer.byteLength(r.body) > 3 << 20, `body of ${Buffer.byteLength(r.body)} bytes`);
  const list = r.json();
  assert.equal(list.kind, 'ConfigMapList');
  assert.deepEqual(list.items.map((i: any) => i.metadata.name).filter((n: string) => n.startsWith('big-')), names);
  for (const item of list.items) if (item.metadata.name.startsWith('big-')) assert.equal(item.data.big, big);
  assert.ok(list.items.every((i: any) => /^\d+$/.test(i.metadata.resourceVersion)));
});

test('list at an exact old resourceVersion shows the past', async () => {
  const before = (await c.request('POST', CM, { body: cm('exact') })).json();
  await c.request('PATCH', `${CM}/exact`, { raw: '{"data":{"n":"changed"}}', contentType: 'application/merge-patch+json' });
  const past = (await c.request('GET', `${CM}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Dexact`)).json();
  assert.equal(past.items[0].data.n, 'exact');
  const future = await c.request('GET', `${CM}?resourceVersion=99999999&resourceVersionMatch=NotOlderThan`);
  assert.equal(future.status, 504);
});

test('watch from a resourceVersion sees later changes in order, with selector transitions', async () => {
  const rv = (await c.request('GET', CM)).json().metadata.resourceVersion;
  const events = watch(`${CM}?watch=1&resourceVersion=${rv}&labelSelector=w%3Dyes`, (ev) => ev.length >= 3);
  await new Promise((r) => setTimeout(r, 100));
  await c.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { w: 'yes' } } } });
  await c.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2', labels: { w: 'no' } } } });
  await c.request('PATCH', `${CM}/w2`, { raw: '{"metadata":{"labels":{"w":"yes"}}}', contentType: 'application/merge-patch+json' });
  await c.request('PATCH', `${CM}/w1`, { raw: '{"metadata":{"labels":{"w":"no"}}}', contentType: 'application/merge-patch+json' });
  const got = (await events).map((e) => [e.type, e.object.metadata.name]);
  assert.deepEqual(got.slice(0, 3), [['ADDED', 'w1'], ['ADDED', 'w2'], ['DELETED', 'w1']]);
});

test('watch without resourceVersion starts with the current objects; bookmarks; initial-events-end', async () => {
  const initial = await watch(`${CM}?watch=1&fieldSelector=metadata.name%3Dp0`, (ev) => ev.length >= 1);
  assert.deepEqual(initial.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'p0']]);
  const withBookmarks = await watch(`${CM}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dp1`,
    (ev) => ev.filter((e) => e.type === 'BOOKMARK').length >= 2, 5000);
  assert.equal(withBookmarks[0].type, 'ADDED');
  assert.equal(withBookmarks[1].type, 'BOOKMARK');
  assert.equal(withBookmarks[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  assert.ok(withBookmarks.slice(2).some((e) => e.type === 'BOOKMARK' && e.object.metadata.resourceVersion), 'periodic bookmarks carry a resourceVersion');
});

test('a watch from a revision inside the watch cache window is served from it, even after the store compacted it', async () => {
  const old = (await c.request('POST', CM, { body: cm('old') })).json().metadata.resourceVersion;
  for (let i = 0; i < 3; i++) await c.request('POST', CM, { body: cm(`newer${i}`) });
  await c.store.compact(await c.store.currentRevision() - 1);
  const events = await watch(`${CM}?watch=1&resourceVersion=${old}`, (ev) => ev.length >= 3);
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED newer0', 'ADDED newer1', 'ADDED newer2']);
});

test('a watch or an exact list from before the watch cache window gets 410 Expired', async () => {
  // A window of 4 events per resource: the fifth write pushes the first out.
  const small = await startTestCluster({ watchCache: { windowEvents: 4, maxWindowEvents: 4, windowMs: 0 } });
  try {
    const post = async (name: string) => (await small.request('POST', CM, { body: cm(name) })).json().metadata.resourceVersion as string;
    await small.request('GET', CM); // the resource's cache starts here
    const old = await post('old');
    for (let i = 0; i < 6; i++) await post(`newer${i}`);
    await small.store.compact(await small.store.currentRevision() - 1);
    const events = await watchOn(small, `${CM}?watch=1&resourceVersion=${old}`, (ev) => ev.length >= 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, 'Expired');
    const list = await small.request('GET', `${CM}?resourceVersion=${old}&resourceVersionMatch=Exact`);
    assert.equal(list.status, 410);
    // Inside the window still works.
    const recent = await small.request('GET', `${CM}?limit=1`);
    const rv = recent.json().metadata.resourceVersion;
    const last = await post('latest');
    const more = await watchOn(small, `${CM}?watch=1&resourceVersion=${rv}`, (ev) => ev.length >= 1);
    assert.equal(more[0].type, 'ADDED');
    assert.equal(more[0].object.metadata.resourceVersion, last);
  } finally {
    await small.stop();
  }
});

test('table output: pods with -o wide columns', async () => {
  await c.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tbl' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
  const t = (await c.request('GET', '/api/v1/namespaces/default/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json();
  assert.equal(t.kind, 'Table');
  assert.deepEqual(t.columnDefinitions.map((d: any) => d.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(t.rows[0].cells.slice(0, 4), ['tbl', '0/1', 'Pending', '0']);
  assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
  const out = (await c.kubectl(['get', 'pods', '-o', 'wide'])).stdout;
  assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
  assert.match(out, /\ntbl\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>\n/);
});
