// The garbage collector against a real API server, driven by the real kubectl: background,
// orphan and foreground propagation, owners that never existed, owners that are alive, and a
// custom resource owner discovered after the collector started.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { isStatusError } from '../../machinery/errors.js';
import { cronTabCRD } from '../../api/crd/crontab-fixture.js';
import { garbageCollectorController } from './index.js';

describe('garbage collector', () => {
  let c: TestCluster;
  let client: ApiClient;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    client = testClient(c);
    h = await startControllerHarness(c, [garbageCollectorController], { config: { discoveryResyncMs: 200 } });
  });
  after(async () => { await h?.stop(); client?.close(); await c?.stop(); });

  const cm = (name: string, owners: OwnerReference[] = [], extra: Partial<NonNullable<KubeObject['metadata']>> = {}) =>
    client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ownerReferences: owners, ...extra }, data: { a: 'b' } });
  const refTo = (o: KubeObject, block = false): OwnerReference => ({
    apiVersion: o.apiVersion ?? 'v1', kind: o.kind ?? 'ConfigMap', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', ...(block ? { blockOwnerDeletion: true } : {}),
  });
  const getCm = async (name: string): Promise<KubeObject | undefined> => {
    try { return await client.get(R.configmaps, 'default', name); } catch (e) { if (isStatusError(e) && e.code === 404) return undefined; throw e; }
  };
  const gone = (name: string, what = `${name} deleted`) => eventually(async () => (await getCm(name)) === undefined, 8000, what);

  test('background (kubectl delete): dependents of a deleted owner are deleted', async () => {
    const owner = await cm('bg-owner');
    await cm('bg-dep1', [refTo(owner)]);
    const sec = await client.create(R.secrets, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bg-dep2', ownerReferences: [refTo(owner)] } });
    await cm('bg-grandchild', [refTo(sec)]);
    await c.kubectl(['delete', 'configmap', 'bg-owner']);
    await gone('bg-dep1');
    await gone('bg-grandchild', 'the dependent of the dependent deleted too');
    await assert.rejects(client.get(R.secrets, 'default', 'bg-dep2'), (e) => isStatusError(e) && e.code === 404);
  });

  test('an object with a live owner is kept; one whose owner never existed is deleted', async () => {
    const owner = await cm('alive-owner');
    await cm('alive-dep', [refTo(owner)]);
    await cm('ghost-dep', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-was', uid: '5d3c8e0e-0000-4000-8000-000000000000' }]);
    // An owner reference naming an existing object but another uid is dangling too (a recreated owner).
    await cm('stale-dep', [{ ...refTo(owner), uid: '5d3c8e0e-0000-4000-8000-000000000001' }]);
    await gone('ghost-dep');
    await gone('stale-dep');
    assert.ok(await getCm('alive-dep'), 'the dependent of a live owner stays');
    // With two owners, losing one only drops that reference.
    const other = await cm('second-owner');
    await cm('two-owners', [refTo(owner), refTo(other)]);
    await c.kubectl(['delete', 'configmap', 'second-owner']);
    const kept = await eventually(async () => {
      const o = await getCm('two-owners');
      return o?.metadata?.ownerReferences?.length === 1 && o;
    }, 8000, 'the reference to the deleted owner removed');
    assert.equal(kept.metadata?.ownerReferences?.[0]?.name, 'alive-owner');
  });

  test('a cluster-scoped object naming a namespaced owner is never collected; an event says why', async () => {
    const clusterRoles = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false };
    await client.create(clusterRoles, '', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: 'invalid-owner', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nowhere', uid: '5d3c8e0e-0000-4000-8000-000000000002' }] }, rules: [],
    });
    await eventually(async () => (await client.list(R.events, 'default')).items.find((e) => e.reason === 'OwnerRefInvalidNamespace'), 8000, 'OwnerRefInvalidNamespace event');
    assert.ok(await client.get(clusterRoles, '', 'invalid-owner'), 'not deleted');
  });

  test('orphan (kubectl delete --cascade=orphan): dependents stay, without the ownerReference', async () => {
    const owner = await cm('or-owner');
    const other = await cm('or-other');
    await cm('or-dep', [refTo(owner, true)]);
    await cm('or-dep2', [refTo(owner), refTo(other)]);
    await c.kubectl(['delete', 'configmap', 'or-owner', '--cascade=orphan']);
    await gone('or-owner', 'owner deleted once its dependents are orphaned');
    const dep = await getCm('or-dep');
    assert.ok(dep, 'dependent kept');
    assert.equal(dep.metadata?.ownerReferences, undefined, 'ownerReference removed');
    const dep2 = await getCm('or-dep2');
    assert.deepEqual(dep2?.metadata?.ownerReferences?.map((r) => r.name), ['or-other'], 'only the orphaning owner reference removed');
  });

  test('foreground (kubectl delete --cascade=foreground): blocking dependents go first, then the owner', async () => {
    const owner = await cm('fg-owner');
    // The dependent holds its own finalizer, so its deletion stays pending until we release it.
    await cm('fg-dep', [refTo(owner, true)], { finalizers: ['example.com/hold'] });
    await cm('fg-loose', [refTo(owner)]);
    await c.kubectl(['delete', 'configmap', 'fg-owner', '--cascade=foreground', '--wait=false']);
    await eventually(async () => (await getCm('fg-dep'))?.metadata?.deletionTimestamp, 8000, 'blocking dependent being deleted');
    await gone('fg-loose', 'non-blocking dependent deleted');
    const waiting = await getCm('fg-owner');
    assert.ok(waiting?.metadata?.deletionTimestamp, 'owner still there, being deleted');
    assert.deepEqual(waiting?.metadata?.finalizers, ['foregroundDeletion']);
    await client.patch(R.configmaps, 'default', 'fg-dep', { metadata: { finalizers: null } }, 'merge');
    await gone('fg-dep');
    await gone('fg-owner', 'owner deleted after its blocking dependent');
  });

  test('foreground with no dependents deletes the owner', async () => {
    await cm('fg-alone');
    await c.kubectl(['delete', 'configmap', 'fg-alone', '--cascade=foreground']);
    assert.equal(await getCm('fg-alone'), undefined);
  });

  test('custom resources created after the collector started are covered (discovery resync)', async () => {
    await client.create(R.customresourcedefinitions, '', cronTabCRD() as unknown as KubeObject);
    const ref = { group: 'stable.example.com', version: 'v1', resource: 'crontabs', kind: 'CronTab', namespaced: true };
    const ct = await eventually(async () => {
      try {
        return await client.create(ref, 'default', { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'owner-ct' }, spec: { cronSpec: '* * * * */5', image: 'x' } });
      } catch { return undefined; }
    }, 8000, 'CRD served');
    // A CronTab owned by a ConfigMap, and a ConfigMap owned by the CronTab.
    const cmOwner = await cm('ct-owner');
    await eventually(async () => {
      try { await client.create(ref, 'default', { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'dep-ct', ownerReferences: [refTo(cmOwner)] }, spec: {} }); return true; } catch { return false; }
    }, 3000, 'dependent CronTab created');
    await cm('ct-dep', [refTo(ct)]);
    await c.kubectl(['delete', 'crontab', 'owner-ct']);
    await gone('ct-dep');
    await c.kubectl(['delete', 'configmap', 'ct-owner']);
    await eventually(async () => (await c.kubectlRaw(['get', 'crontab', 'dep-ct'])).stderr.includes('NotFound'), 8000, 'custom resource dependent deleted');
  });
});
