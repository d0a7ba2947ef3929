// Issue 2, item 2: the everyday kubectl commands against k8ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, testdataDir, eventually, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
  await c.kubectl(['apply', '-f', join(testdataDir('kubectl', 'testdata'), 'app.yaml')]);
});
after(async () => { await c.stop(); });

test('kubectl create namespace/configmap/secret/deployment', async () => {
  assert.match((await c.kubectl(['create', 'namespace', 'team-a'])).stdout, /namespace\/team-a created/);
  assert.match((await c.kubectl(['-n', 'team-a', 'create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2'])).stdout, /configmap\/cfg created/);
  assert.match((await c.kubectl(['-n', 'team-a', 'create', 'secret', 'generic', 'pw', '--from-literal=password=x'])).stdout, /secret\/pw created/);
  assert.match((await c.kubectl(['-n', 'team-a', 'create', 'deployment', 'api', '--image=registry.local/api:2', '--replicas=3'])).stdout, /deployment.apps\/api created/);
  const pw = JSON.parse((await c.kubectl(['-n', 'team-a', 'get', 'secret', 'pw', '-o', 'json'])).stdout);
  assert.equal(Buffer.from(pw.data.password, 'base64').toString(), 'x');
  const sd = await c.request('POST', '/api/v1/namespaces/team-a/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sd' }, stringData: { token: 'abc' } } });
  assert.equal(sd.status, 201);
  assert.equal(sd.json().data.token, Buffer.from('abc').toString('base64'), 'stringData is folded into data');
  assert.equal(sd.json().stringData, undefined);
  const dep = JSON.parse((await c.kubectl(['-n', 'team-a', 'get', 'deploy', 'api', '-o', 'json'])).stdout);
  assert.equal(dep.spec.replicas, 3);
  assert.equal(dep.spec.strategy.type, 'RollingUpdate');
  assert.equal(dep.spec.strategy.rollingUpdate.maxSurge, '25%');
  assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  const dup = await c.kubectlRaw(['create', 'namespace', 'team-a']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /AlreadyExists.*namespaces "team-a" already exists/);
});

test('kubectl get: table, wide, yaml, json, jsonpath, labels, field selectors, all namespaces', async () => {
  const table = (await c.kubectl(['get', 'deployments'])).stdout;
  assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
  assert.match(table, /\nweb\s+0\/2\s+0\s+0\s+\d+s\n/);
  const wide = (await c.kubectl(['get', 'deployments', '-o', 'wide'])).stdout;
  assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
  assert.match(wide, /web,sidecar\s+registry.local\/web:1.0,registry.local\/logger:1.0\s+app=web/);
  const svc = (await c.kubectl(['get', 'svc'])).stdout;
  assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
  assert.match(svc, /\nkubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP/);
  assert.match(svc, /\nweb\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP/);
  const yaml = (await c.kubectl(['get', 'configmap', 'web-config', '-o', 'yaml'])).stdout;
  assert.match(yaml, /^apiVersion: v1\ndata:\n  level: info\n  mode: production\nkind: ConfigMap\n/);
  const jp = (await c.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}'])).stdout;
  assert.equal(jp, 'web sidecar');
  const byLabel = (await c.kubectl(['get', 'deploy', '-A', '-l', 'app=web', '-o', 'name'])).stdout;
  assert.equal(byLabel, 'deployment.apps/web\n');
  const notIn = (await c.kubectl(['get', 'deploy', '-A', '-l', 'app notin (web)', '-o', 'name'])).stdout;
  assert.doesNotMatch(notIn, /deployment.apps\/web\n/);
  const byField = (await c.kubectl(['get', 'cm', '-A', '--field-selector', 'metadata.name=web-config', '-o', 'name'])).stdout;
  assert.equal(byField, 'configmap/web-config\n');
  const badField = await c.kubectlRaw(['get', 'cm', '--field-selector', 'spec.nope=1']);
  assert.notEqual(badField.code, 0);
  assert.match(badField.stderr, /field label not supported: spec.nope/);
  const all = (await c.kubectl(['get', 'namespaces'])).stdout;
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(all, new RegExp(`\\n${ns}\\s+Active`));
  const allNs = (await c.kubectl(['get', 'cm', '-A'])).stdout;
  assert.match(allNs, /^NAMESPACE\s+NAME\s+DATA\s+AGE/);
});

test('kubectl get -w streams changes', async () => {
  const w = c.kubectlSpawn(['get', 'configmaps', '-w', '--output-watch-events']);
  let out = '';
  w.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    await eventually(() => out.includes('web-config'), 10_000, 'initial rows');
    await c.kubectl(['create', 'configmap', 'watched', '--from-literal=x=1']);
    await eventually(() => /ADDED\s+watched/.test(out), 10_000, 'ADDED event');
    await c.kubectl(['delete', 'configmap', 'watched']);
    await eventually(() => /DELETED\s+watched/.test(out), 10_000, 'DELETED event');
  } finally {
    w.kill('SIGTERM');
  }
});

test('kubectl describe, label, annotate, scale, patch (three types), edit', async () => {
  const desc = (await c.kubectl(['describe', 'deployment', 'web'])).stdout;
  assert.match(desc, /Name:\s+web/);
  assert.match(desc, /Replicas:\s+2 desired/);
  assert.match(desc, /GREETING:\s+hello/);
  assert.match((await c.kubectl(['label', 'deployment', 'web', 'tier=frontend'])).stdout, /deployment.apps\/web labeled/);
  assert.match((await c.kubectl(['annotate', 'deployment', 'web', 'owner=team-a'])).stdout, /deployment.apps\/web annotated/);
  assert.match((await c.kubectl(['label', 'deployment', 'web', 'tier-'])).stdout, /deployment.apps\/web unlabeled/);
  assert.match((await c.kubectl(['scale', 'deployment', 'web', '--replicas=4'])).stdout, /deployment.apps\/web scaled/);
  const scaled = JSON.parse((await c.kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
  assert.equal(scaled.spec.replicas, 4);
  assert.equal(scaled.metadata.labels.tier, undefined);
  assert.equal(scaled.metadata.annotations.owner, 'team-a');

  await c.kubectl(['patch', 'deployment', 'web', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"registry.local/web:2.0"}]}}}}']);
  await c.kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}']);
  await c.kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]']);
  const patched = JSON.parse((await c.kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
  assert.equal(patched.spec.template.spec.containers[0].image, 'registry.local/web:2.0');
  assert.equal(patched.spec.template.spec.containers[1].name, 'sidecar', 'strategic patch merges containers by name');
  assert.equal(patched.spec.minReadySeconds, 5);
  assert.equal(patched.spec.revisionHistoryLimit, 3);

  const editor = join(c.dir, 'editor.sh');
  await writeFile(editor, '#!/bin/sh\nsed -i "s/level: info/level: debug/" "$1"\n');
  await chmod(editor, 0o755);
  const edited = await c.kubectl(['edit', 'configmap', 'web-config'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
  assert.match(edited.stdout, /configmap\/web-config edited/);
  const cm = JSON.parse((await c.kubectl(['get', 'cm', 'web-config', '-o', 'json'])).stdout);
  assert.equal(cm.data.level, 'debug');
});

test('kubectl api-resources, api-versions, explain, get all', async () => {
  const res = (await c.kubectl(['api-resources'])).stdout;
  assert.match(res, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/);
  assert.match(res, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
  assert.match(res, /\npods\s+po\s+v1\s+true\s+Pod/);
  assert.match(res, /\ncustomresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false\s+CustomResourceDefinition/);
  const versions = (await c.kubectl(['api-versions'])).stdout.split('\n');
  for (const v of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'coordination.k8s.io/v1', 'events.k8s.io/v1', 'discovery.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'apiextensions.k8s.io/v1']) {
    assert.ok(versions.includes(v), `api-versions lists ${v}`);
  }
  const explain = (await c.kubectl(['explain', 'deployment.spec.replicas'])).stdout;
  assert.match(explain, /GROUP:\s+apps/);
  assert.match(explain, /FIELD: replicas <integer>/);
  assert.match(explain, /Number of desired pods/);
  const all = (await c.kubectl(['get', 'all'])).stdout;
  assert.match(all, /service\/kubernetes/);
  assert.match(all, /deployment.apps\/web/);
});

test('kubectl delete by name, by label and --all', async () => {
  await c.kubectl(['create', 'configmap', 'd1', '--from-literal=a=1']);
  await c.kubectl(['create', 'configmap', 'd2', '--from-literal=a=1']);
  await c.kubectl(['label', 'configmap', 'd2', 'purge=yes']);
  await c.kubectl(['create', 'configmap', 'd3', '--from-literal=a=1']);
  assert.match((await c.kubectl(['delete', 'configmap', 'd1'])).stdout, /configmap "d1" deleted/);
  assert.match((await c.kubectl(['delete', 'configmap', '-l', 'purge=yes'])).stdout, /configmap "d2" deleted/);
  const gone = await c.kubectlRaw(['get', 'configmap', 'd1']);
  assert.match(gone.stderr, /NotFound.*configmaps "d1" not found/);
  await c.kubectl(['-n', 'team-a', 'delete', 'configmap', '--all']);
  const left = (await c.kubectl(['-n', 'team-a', 'get', 'configmap', '-o', 'name'])).stdout;
  assert.equal(left, '');
});

test('kubectl create of every generator kind (protobuf request bodies)', async () => {
  const ns = ['-n', 'team-a'];
  const cmds: string[][] = [
    ['create', 'service', 'nodeport', 'np', '--tcp=80:8080'],
    ['create', 'service', 'clusterip', 'cip', '--tcp=443:8443'],
    ['create', 'serviceaccount', 'robot'],
    ['create', 'job', 'once', '--image=registry.local/job:1', '--', 'echo', 'hi'],
    ['create', 'cronjob', 'nightly', '--image=registry.local/job:1', '--schedule=0 3 * * *'],
    ['create', 'role', 'reader', '--verb=get,list', '--resource=pods'],
    ['create', 'rolebinding', 'reader-binding', '--role=reader', '--serviceaccount=team-a:robot'],
    ['create', 'quota', 'small', '--hard=pods=10,requests.cpu=2'],
    ['create', 'poddisruptionbudget', 'pdb', '--selector=app=api', '--min-available=50%'],
    ['create', 'ingress', 'web', '--rule=example.com/=web:80'],
    ['create', 'secret', 'tls', 'tls', `--cert=${c.pki.serving.certPath}`, `--key=${c.pki.serving.keyPath}`],
  ];
  for (const args of cmds) {
    const r = await c.kubectl([...ns, ...args]);
    assert.match(r.stdout, /created/, args.join(' '));
  }
  await c.kubectl(['create', 'priorityclass', 'high', '--value=1000']);
  await c.kubectl(['create', 'clusterrole', 'viewer', '--verb=get', '--resource=nodes']);
  const np = JSON.parse((await c.kubectl([...ns, 'get', 'svc', 'np', '-o', 'json'])).stdout);
  assert.equal(np.spec.type, 'NodePort');
  assert.ok(np.spec.ports[0].nodePort >= 30000 && np.spec.ports[0].nodePort <= 32767);
  assert.equal(np.spec.ports[0].targetPort, 8080);
  const job = JSON.parse((await c.kubectl([...ns, 'get', 'job', 'once', '-o', 'json'])).stdout);
  assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', 'hi']);
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  assert.ok(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']);
  const quota = JSON.parse((await c.kubectl([...ns, 'get', 'quota', 'small', '-o', 'json'])).stdout);
  assert.equal(quota.spec.hard['requests.cpu'], '2');
  const all = (await c.kubectl([...ns, 'get', 'all'])).stdout;
  assert.match(all, /service\/np\s+NodePort/);
  assert.match(all, /cronjob.batch\/nightly\s+0 3 \* \* \*/);
});
