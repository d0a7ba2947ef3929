// Issue 2, item 5: bad input is answered with the right code, reason and field, and never crashes the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const deployment = (over: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'img' }] } }, ...over },
});

test('malformed JSON and YAML: 400 BadRequest', async () => {
  const r = await c.request('POST', '/api/v1/namespaces/default/configmaps', { raw: '{"apiVersion": "v1", "kind": ', contentType: 'application/json' });
  assert.equal(r.status, 400);
  assert.equal(r.json().reason, 'BadRequest');
  const y = await c.request('POST', '/api/v1/namespaces/default/configmaps', { raw: 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed', contentType: 'application/yaml' });
  assert.equal(y.status, 400);
  assert.equal(y.json().kind, 'Status');
});

test('YAML bodies are accepted', async () => {
  const r = await c.request('POST', '/api/v1/namespaces/default/configmaps', { raw: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', contentType: 'application/yaml' });
  assert.equal(r.status, 201);
  assert.equal(r.json().data.a, '1');
});

test('unknown resource and unknown group: 404 NotFound', async () => {
  const r = await c.request('GET', '/api/v1/namespaces/default/widgets');
  assert.equal(r.status, 404);
  assert.equal(r.json().reason, 'NotFound');
  assert.equal((await c.request('GET', '/apis/nope.example.com/v1')).status, 404);
  const k = await c.kubectlRaw(['get', 'widgets']);
  assert.notEqual(k.code, 0);
  assert.match(k.stderr, /the server doesn't have a resource type "widgets"/);
});

test('AlreadyExists and Conflict: 409', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' }, data: { a: '1' } };
  assert.equal((await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm })).status, 201);
  const again = await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm });
  assert.equal(again.status, 409);
  assert.equal(again.json().reason, 'AlreadyExists');
  const current = (await c.request('GET', '/api/v1/namespaces/default/configmaps/twice')).json();
  const put1 = await c.request('PUT', '/api/v1/namespaces/default/configmaps/twice', { body: { ...current, data: { a: '2' } } });
  assert.equal(put1.status, 200);
  const stale = await c.request('PUT', '/api/v1/namespaces/default/configmaps/twice', { body: { ...current, data: { a: '3' } } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json().reason, 'Conflict');
  assert.match(stale.json().message, /the object has been modified; please apply your changes to the latest version and try again/);
});

test('Invalid: 422 with each bad field path', async () => {
  const r = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment({ replicas: -1, selector: { matchLabels: { app: 'other' } } }) });
  assert.equal(r.status, 422);
  const s = r.json();
  assert.equal(s.reason, 'Invalid');
  const fields = s.details.causes.map((x: { field: string }) => x.field);
  assert.ok(fields.includes('spec.replicas'), `causes: ${JSON.stringify(s.details.causes)}`);
  assert.ok(fields.includes('spec.template.metadata.labels'), `causes: ${JSON.stringify(s.details.causes)}`);
  assert.match(s.message, /^Deployment.apps "d" is invalid: /);
  const noImage = await c.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } });
  assert.equal(noImage.status, 422);
  assert.ok(noImage.json().details.causes.some((x: { field: string }) => x.field === 'spec.containers[0].image'));
  const badName = await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } } });
  assert.equal(badName.status, 422);
  assert.equal(badName.json().details.causes[0].field, 'metadata.name');
});

test('wrong JSON types and unknown fields: 400 naming the field (kubectl sends fieldValidation=Strict)', async () => {
  const typed = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment({ replicas: 'three' }) });
  assert.equal(typed.status, 400);
  assert.match(typed.json().message, /spec\.replicas/);
  const strict = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict', { body: deployment({ replicass: 2 }) });
  assert.equal(strict.status, 400);
  assert.match(strict.json().message, /strict decoding error: unknown field "spec.replicass"/);
  const warn = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn', { body: { ...deployment({ replicass: 2 }), metadata: { name: 'warned' } } });
  assert.equal(warn.status, 201);
  assert.match(String(warn.headers.warning), /unknown field \\"spec.replicass\\"/);
  assert.equal(warn.json().spec.replicass, undefined, 'unknown fields are dropped');

  const file = join(c.dir, 'typo.yaml');
  await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: "1"\n');
  const k = await c.kubectlRaw(['apply', '-f', file]);
  assert.notEqual(k.code, 0);
  assert.match(k.stderr, /unknown field "datta"/);
});

test('body over 3 MiB: 413', async () => {
  const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } };
  const r = await c.request('POST', '/api/v1/namespaces/default/configmaps', { body: big });
  assert.equal(r.status, 413);
  assert.equal(r.json().reason, 'RequestEntityTooLarge');
});

test('no client certificate: 401; health stays public', async () => {
  const r = await c.request('GET', '/api/v1/namespaces', { anonymous: true });
  assert.equal(r.status, 401);
  assert.equal(r.json().reason, 'Unauthorized');
  assert.equal((await c.request('GET', '/healthz', { anonymous: true })).body, 'ok');
});

test('after all that the server still answers', async () => {
  const r = await c.request('GET', '/api/v1/namespaces/default/configmaps/twice');
  assert.equal(r.status, 200);
});
