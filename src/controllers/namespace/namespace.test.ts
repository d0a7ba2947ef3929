// The namespace controller against a real API server, driven by the real kubectl: deleting a
// namespace deletes its content (built-in and custom resources), then the namespace; content held
// by a finalizer keeps it Terminating, with kube's conditions saying why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { cronTabCRD } from '../../api/crd/crontab-fixture.js';
import { namespaceControllerWith } from './index.js';
import type { NamespaceCondition } from './index.js';

describe('namespace controller', () => {
  let c: TestCluster;
  let client: ApiClient;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    client = testClient(c);
    h = await startControllerHarness(c, [namespaceControllerWith({ maxRemainingDelayMs: 200 })]);
  });
  after(async () => { await h?.stop(); client?.close(); await c?.stop(); });

  const crontabs = { group: 'stable.example.com', version: 'v1', resource: 'crontabs', kind: 'CronTab', namespaced: true };

  test('kubectl delete namespace removes everything inside, then the namespace', async () => {
    await client.create(R.customresourcedefinitions, '', cronTabCRD() as unknown as KubeObject);
    await c.kubectl(['create', 'namespace', 'doomed']);
    await c.kubectl(['-n', 'doomed', 'create', 'configmap', 'cfg', '--from-literal=a=b']);
    await c.kubectl(['-n', 'doomed', 'create', 'secret', 'generic', 's', '--from-literal=a=b']);
    await c.kubectl(['-n', 'doomed', 'create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    await c.kubectl(['-n', 'doomed', 'create', 'deployment', 'app', '--image=busybox']);
    await c.kubectl(['-n', 'doomed', 'run', 'p', '--image=busybox']);
    await eventually(async () => {
      try { await client.create(crontabs, 'doomed', { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'ct' }, spec: {} }); return true; } catch { return false; }
    }, 8000, 'custom resource created');

    const del = await c.kubectl(['delete', 'namespace', 'doomed', '--timeout=20s']);
    assert.match(del.stdout, /namespace "doomed" deleted/);
    const got = await c.kubectlRaw(['get', 'namespace', 'doomed']);
    assert.notEqual(got.code, 0);
    assert.match(got.stderr, /NotFound/);
    for (const ref of [R.configmaps, R.secrets, R.services, R.deployments, R.pods, crontabs]) {
      const list = await client.list(ref, 'doomed');
      assert.equal(list.items.length, 0, `${ref.resource} empty`);
    }
  });

  test('content held by a finalizer keeps the namespace Terminating, with conditions saying why', async () => {
    await c.kubectl(['create', 'namespace', 'held']);
    await client.create(R.configmaps, 'held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', finalizers: ['example.com/hold'] } });
    await c.kubectl(['create', 'configmap', 'plain', '-n', 'held']);
    await c.kubectl(['delete', 'namespace', 'held', '--wait=false']);
    const ns = await eventually(async () => {
      const n = await client.get<KubeObject & { status?: { phase?: string; conditions?: NamespaceCondition[] } }>(R.namespaces, '', 'held');
      const remaining = n.status?.conditions?.find((x) => x.type === 'NamespaceContentRemaining');
      return remaining?.status === 'True' && n;
    }, 8000, 'NamespaceContentRemaining');
    assert.equal(ns.status?.phase, 'Terminating');
    const cond = (t: string) => ns.status?.conditions?.find((x) => x.type === t);
    assert.equal(cond('NamespaceContentRemaining')?.reason, 'SomeResourcesRemain');
    assert.equal(cond('NamespaceContentRemaining')?.message, 'Some resources are remaining: configmaps. has 1 resource instances');
    assert.equal(cond('NamespaceFinalizersRemaining')?.status, 'True');
    assert.equal(cond('NamespaceFinalizersRemaining')?.reason, 'SomeFinalizersRemain');
    assert.equal(cond('NamespaceFinalizersRemaining')?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    assert.equal(cond('NamespaceDeletionDiscoveryFailure')?.status, 'False');
    assert.equal(cond('NamespaceDeletionDiscoveryFailure')?.reason, 'ResourcesDiscovered');
    assert.equal(cond('NamespaceDeletionContentFailure')?.status, 'False');
    const desc = await c.kubectl(['describe', 'namespace', 'held']);
    assert.match(desc.stdout, /Status:\s+Terminating/);
    const left = await client.list(R.configmaps, 'held');
    assert.deepEqual(left.items.map((i) => i.metadata?.name), ['pinned'], 'everything else is gone');

    await client.patch(R.configmaps, 'held', 'pinned', { metadata: { finalizers: null } }, 'merge');
    await eventually(async () => (await c.kubectlRaw(['get', 'namespace', 'held'])).stderr.includes('NotFound'), 8000, 'namespace deleted once its content is gone');
  });

  test('a namespace that is not being deleted is left alone', async () => {
    await c.kubectl(['create', 'namespace', 'alive']);
    await c.kubectl(['create', 'configmap', 'keep', '-n', 'alive']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await client.list(R.configmaps, 'alive')).items.length >= 1, true);
    const ns = await client.get(R.namespaces, '', 'alive');
    assert.deepEqual((ns.spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
  });
});
