// Issue 2, item 3: a CRD applied, then instances created, listed and validated against its schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, testdataDir, eventually, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const crontab = (name: string, spec: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}`;

test('a CRD is served: discovery, create, list with printer columns, schema validation, status, delete', async () => {
  assert.match((await c.kubectl(['apply', '-f', join(testdataDir('kubectl', 'testdata'), 'crontab-crd.yaml')])).stdout,
    /customresourcedefinition.apiextensions.k8s.io\/crontabs.stable.example.com created/);
  const crd = JSON.parse((await c.kubectl(['get', 'crd', 'crontabs.stable.example.com', '-o', 'json'])).stdout);
  const established = crd.status.conditions.find((x: { type: string }) => x.type === 'Established');
  assert.equal(established?.status, 'True');

  await eventually(async () => (await c.kubectl(['api-resources', '--api-group=stable.example.com'])).stdout.includes('crontabs'), 10_000, 'crontabs in discovery');
  const file = join(c.dir, 'ct.yaml');
  await writeFile(file, crontab('my-cron', '  cronSpec: "* * * * */5"\n  image: my-cron-image\n'));
  assert.match((await c.kubectl(['apply', '-f', file])).stdout, /crontab.stable.example.com\/my-cron created/);

  const obj = JSON.parse((await c.kubectl(['get', 'ct', 'my-cron', '-o', 'json'])).stdout);
  assert.equal(obj.spec.replicas, 1, 'schema default applied');
  assert.equal(obj.metadata.generation, 1);
  const table = (await c.kubectl(['get', 'crontabs'])).stdout;
  assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE\n/);
  assert.match(table, /\nmy-cron\s+\* \* \* \* \*\/5\s+1\s+\d+s\n/);

  await writeFile(file, crontab('bad-cron', '  cronSpec: "not a cron"\n  image: img\n  replicas: 11\n'));
  const bad = await c.kubectlRaw(['apply', '-f', file]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /spec.cronSpec/);
  assert.match(bad.stderr, /spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10/);

  await writeFile(file, crontab('typed-cron', '  cronSpec: "* * * * *"\n  image: img\n  replicas: "two"\n'));
  const typed = await c.kubectlRaw(['apply', '-f', file]);
  assert.notEqual(typed.code, 0);
  assert.match(typed.stderr, /spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer/);

  await writeFile(file, crontab('missing', '  image: img\n'));
  const missing = await c.kubectlRaw(['apply', '-f', file]);
  assert.match(missing.stderr, /spec.cronSpec: Required value/);

  await writeFile(file, crontab('unknown', '  cronSpec: "* * * * *"\n  image: img\n  colour: red\n'));
  const unknown = await c.kubectlRaw(['apply', '-f', file]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown field "spec.colour"/);

  // status subresource: the main resource ignores status; /status sets it.
  await c.kubectl(['patch', 'ct', 'my-cron', '--type=merge', '-p', '{"status":{"ready":true}}']);
  assert.equal(JSON.parse((await c.kubectl(['get', 'ct', 'my-cron', '-o', 'json'])).stdout).status, undefined);
  await c.kubectl(['patch', 'ct', 'my-cron', '--subresource=status', '--type=merge', '-p', '{"status":{"ready":true}}']);
  assert.equal(JSON.parse((await c.kubectl(['get', 'ct', 'my-cron', '-o', 'json'])).stdout).status.ready, true);

  const explain = (await c.kubectl(['explain', 'crontab.spec'])).stdout;
  assert.match(explain, /The desired schedule and image/);

  await c.kubectl(['delete', 'crd', 'crontabs.stable.example.com']);
  await eventually(async () => (await c.kubectlRaw(['get', 'crontabs'])).code !== 0, 10_000, 'crontabs gone');
});
