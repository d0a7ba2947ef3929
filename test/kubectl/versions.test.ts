// kubectl releases 1.27 to 1.33 against one server: discovery (aggregated v2beta1 before 1.30, v2
// from 1.30 on), short names, apply (1.27 and 1.28 read /openapi/v2 as protobuf for its strategic
// merge patch), explain, get, describe and delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { kubectlOfVersion, runCommand, startTestCluster, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

const deployment = (name: string, image = 'img:1') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: "${image}"}, {name: side, image: "side:1"}]}
`;

for (const version of ['1.27', '1.28', '1.29', '1.30', '1.31', '1.33']) {
  test(`kubectl ${version}: discovery, short names, apply, get, describe, delete`, async (t) => {
    const bin = await kubectlOfVersion(version);
    if (!bin) { t.skip(`kubectl.${version} not found`); return; }
    const env = { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, KUBECACHEDIR: join(c.dir, `kube-cache-${version}`) };
    const k = async (args: string[], input?: string) => {
      const r = await runCommand(bin, args, env, 30_000, input);
      assert.equal(r.code, 0, `kubectl ${version} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(await k(['get', 'ns', 'kube-system', '-o', 'name']), /^namespace\/kube-system$/m);
    const resources = await k(['api-resources', '--api-group=apps', '-o', 'name']);
    assert.match(resources, /^deployments\.apps$/m);
    assert.match(resources, /^statefulsets\.apps$/m);
    const name = `v${version.replace('.', '-')}`;
    assert.match(await k(['apply', '-f', '-'], deployment(name)), new RegExp(`deployment.apps/${name} created`));
    assert.match(await k(['get', 'deploy', name, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), /^img:1$/);
    // A second apply patches the container list by its merge key, from the OpenAPI schema.
    assert.match(await k(['apply', '-f', '-'], deployment(name, 'img:2')), new RegExp(`deployment.apps/${name} configured`));
    assert.equal(await k(['get', 'deploy', name, '-o', 'jsonpath={.spec.template.spec.containers[*].image}']), 'img:2 side:1');
    assert.match(await k(['explain', 'deployment.spec.replicas']), /Number of desired pods/);
    if (version === '1.27' || version === '1.28') {
      assert.match(await k(['explain', 'deployment.spec.replicas', '--output=plaintext-openapiv2']), /FIELD:\s+replicas <integer>[\s\S]*Number of desired pods/);
    }
    assert.match(await k(['describe', 'deployment', name]), /Replicas:\s+1 desired/);
    assert.match(await k(['delete', 'deploy', name]), new RegExp(`deployment.apps "${name}" deleted`));
  });
}

test('aggregated discovery in the version the Accept header names first; /openapi/v2 as JSON or protobuf', async () => {
  const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
  const v2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
  for (const [accept, version] of [[`${v2beta1},application/json`, 'v2beta1'], [`${v2},${v2beta1},application/json`, 'v2'], [`${v2beta1},${v2}`, 'v2beta1']] as const) {
    const r = await c.request('GET', '/apis', { accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], version === 'v2' ? v2 : v2beta1);
    assert.equal(r.json().apiVersion, `apidiscovery.k8s.io/${version}`);
    assert.ok(r.json().items.some((g: any) => g.metadata.name === 'apps'));
  }
  assert.equal((await c.request('GET', '/apis', { accept: 'application/json' })).json().kind, 'APIGroupList');

  const proto = await c.request('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(proto.status, 200);
  assert.equal(proto.headers['content-type'], 'application/octet-stream');
  assert.ok(proto.body.includes('io.k8s.api.apps.v1.Deployment') && proto.body.includes('x-kubernetes-group-version-kind'));
  const json = await c.request('GET', '/openapi/v2', { accept: 'application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(json.headers['content-type'], 'application/json');
  assert.equal(json.json().swagger, '2.0');
  assert.equal((await c.request('GET', '/openapi/v2', { accept: 'application/xml' })).status, 406);
  assert.equal((await c.request('GET', '/openapi/v3/apis/apps/v1', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })).status, 406);
});
