// Issue 2, item 1: kubectl apply of a multi-document file; re-apply unchanged; change replicas and
// an env var and re-apply (the change lands, list order kept).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, testdataDir, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const testdata = testdataDir('kubectl', 'testdata');

test('kubectl apply creates, re-applies unchanged, then applies a change in place', async () => {
  const manifest = await readFile(join(testdata, 'app.yaml'), 'utf8');
  const file = join(c.dir, 'app.yaml');
  await writeFile(file, manifest);

  const first = await c.kubectl(['apply', '-f', file]);
  assert.match(first.stdout, /deployment.apps\/web created/);
  assert.match(first.stdout, /service\/web created/);
  assert.match(first.stdout, /configmap\/web-config created/);
  assert.match(first.stdout, /secret\/web-secret created/);

  const dep1 = JSON.parse((await c.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  const rv1 = dep1.metadata.resourceVersion;
  assert.equal(dep1.metadata.generation, 1);

  const again = await c.kubectl(['apply', '-f', file]);
  for (const line of ['deployment.apps/web unchanged', 'service/web unchanged', 'configmap/web-config unchanged', 'secret/web-secret unchanged']) {
    assert.ok(again.stdout.includes(line), `expected "${line}" in:\n${again.stdout}`);
  }
  const dep2 = JSON.parse((await c.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  assert.equal(dep2.metadata.resourceVersion, rv1, 'an unchanged apply writes nothing');

  const changed = manifest.replace('replicas: 2', 'replicas: 5').replace('value: blue', 'value: green');
  await writeFile(file, changed);
  const third = await c.kubectl(['apply', '-f', file]);
  assert.match(third.stdout, /deployment.apps\/web configured/);
  assert.match(third.stdout, /service\/web unchanged/);

  const dep3 = JSON.parse((await c.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  assert.equal(dep3.spec.replicas, 5);
  assert.equal(dep3.metadata.generation, 2);
  const env = dep3.spec.template.spec.containers[0].env;
  assert.deepEqual(env.map((e: { name: string }) => e.name), ['GREETING', 'COLOR', 'SIZE'], 'env order kept');
  assert.equal(env[1].value, 'green');
  assert.deepEqual(dep3.spec.template.spec.containers.map((x: { name: string }) => x.name), ['web', 'sidecar'], 'container order kept');

  // Removing an env var from the file removes it from the object (three-way merge through $patch/$setElementOrder).
  await writeFile(file, changed.replace(/        - name: COLOR\n          value: green\n/, ''));
  await c.kubectl(['apply', '-f', file]);
  const dep4 = JSON.parse((await c.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  assert.deepEqual(dep4.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name), ['GREETING', 'SIZE']);

  const secret = JSON.parse((await c.kubectl(['get', 'secret', 'web-secret', '-o', 'json'])).stdout);
  assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 's3cret');
  const svc = JSON.parse((await c.kubectl(['get', 'service', 'web', '-o', 'json'])).stdout);
  assert.match(svc.spec.clusterIP, /^10\.43\.\d+\.\d+$/);
  assert.equal(svc.spec.type, 'ClusterIP');
});
