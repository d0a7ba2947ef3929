// Issue 2, item 4: @kubernetes/client-node lists and watches pods, creates and patches a deployment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, eventually, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

test('client-node: list and watch pods, create and patch a deployment', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);

  await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p1', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } } });
  const list = await core.listNamespacedPod({ namespace: 'default' });
  assert.deepEqual(list.items.map((p) => p.metadata?.name), ['p1']);
  assert.equal(list.items[0]?.status?.phase, 'Pending');
  const rv = list.metadata?.resourceVersion;
  assert.ok(rv);

  const seen: Array<[string, string]> = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch('/api/v1/namespaces/default/pods', { resourceVersion: rv },
    (type: string, obj: k8s.V1Pod) => { seen.push([type, obj.metadata?.name ?? '']); },
    () => undefined);
  try {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'img:1' }] } } });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'p1' });
    await eventually(() => seen.length >= 2, 10_000, 'watch events');
    assert.deepEqual(seen.slice(0, 2), [['ADDED', 'p2'], ['DELETED', 'p1']]);
  } finally {
    req.abort();
  }

  const dep = await apps.createNamespacedDeployment({ namespace: 'default', body: {
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  } });
  assert.equal(dep.metadata?.generation, 1);
  const patched = await apps.patchNamespacedDeployment({ namespace: 'default', name: 'web', body: { spec: { replicas: 3 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.equal(patched.spec?.replicas, 3);
  assert.equal(patched.metadata?.generation, 2);
});
