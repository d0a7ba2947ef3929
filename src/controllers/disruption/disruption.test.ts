// The disruption controller against a real API server: PodDisruptionBudget status follows pod
// readiness and the scale of the pods' controllers, `kubectl get pdb` shows ALLOWED DISRUPTIONS, and
// the eviction subresource admits exactly what the status allows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { setPodStatus } from '../endpoints/test-objects.js';
import { disruptionController, type PodDisruptionBudget } from './index.js';

describe('disruption controller', () => {
  let c: TestCluster;
  let client: ApiClient;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    client = testClient(c);
    h = await startControllerHarness(c, [disruptionController]);
  });
  after(async () => { await h?.stop(); client?.close(); await c?.stop(); });

  const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const controllerRef = (o: KubeObject): OwnerReference => ({
    apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true,
  });
  const pod = async (name: string, labels: Record<string, string>, owner?: KubeObject, ready = true) => {
    await client.create(R.pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, ...(owner ? { ownerReferences: [controllerRef(owner)] } : {}) },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    });
    await setPodStatus(client, name, { ip: `10.42.9.${Math.floor(Math.random() * 250) + 1}`, ready });
  };
  const pdb = (name: string, spec: Record<string, unknown>) =>
    client.create(R.poddisruptionbudgets, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec });
  const statusOf = async (name: string) => (await client.get<PodDisruptionBudget>(R.poddisruptionbudgets, 'default', name)).status ?? {};
  const statusWhen = (name: string, ok: (s: NonNullable<PodDisruptionBudget['status']>) => boolean, what: string) =>
    eventually(async () => { const s = await statusOf(name); return ok(s) ? s : undefined; }, 8000, what);
  const evict = (name: string) => client.create(R.pods, 'default', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, { subresource: 'eviction' });

  test('minAvailable: status follows readiness; kubectl shows ALLOWED DISRUPTIONS; evictions spend the budget', async () => {
    const rs = await client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
    });
    for (const n of ['web-a', 'web-b', 'web-c']) await pod(n, { app: 'web' }, rs);
    await pdb('web-pdb', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    const st = await statusWhen('web-pdb', (s) => s.disruptionsAllowed === 1, 'one disruption allowed');
    assert.equal(st.expectedPods, 3);
    assert.equal(st.desiredHealthy, 2);
    assert.equal(st.currentHealthy, 3);
    assert.equal(st.observedGeneration, 1);
    const cond = st.conditions?.find((x) => x.type === 'DisruptionAllowed');
    assert.equal(cond?.status, 'True');
    assert.equal(cond?.reason, 'SufficientPods');

    const shown = await c.kubectl(['get', 'pdb', 'web-pdb']);
    assert.match(shown.stdout, /NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);
    assert.match(shown.stdout, /web-pdb\s+2\s+N\/A\s+1\s+/);

    // One pod stops being ready: nothing may be disrupted.
    await setPodStatus(client, 'web-c', { ip: '10.42.9.3', ready: false });
    const low = await statusWhen('web-pdb', (s) => s.currentHealthy === 2, 'two healthy');
    assert.equal(low.disruptionsAllowed, 0);
    assert.equal(low.conditions?.find((x) => x.type === 'DisruptionAllowed')?.reason, 'InsufficientPods');
    await assert.rejects(evict('web-a'), (e) => isStatusError(e) && e.code === 429);

    // Ready again: one eviction goes through, the second is refused.
    await setPodStatus(client, 'web-c', { ip: '10.42.9.3', ready: true });
    await statusWhen('web-pdb', (s) => s.disruptionsAllowed === 1, 'allowed again');
    await evict('web-a');
    const after = await statusWhen('web-pdb', (s) => s.currentHealthy === 2 && s.disruptionsAllowed === 0, 'evicted pod no longer healthy');
    assert.equal(after.disruptedPods, undefined, 'the claim is dropped once the pod is being deleted');
    await assert.rejects(evict('web-b'), (e) => isStatusError(e) && e.code === 429);
  });

  test('maxUnavailable as a percentage of the Deployment scale (two ReplicaSets count once); spec changes bump observedGeneration', async () => {
    const dep = await client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'api' } }, template: template({ app: 'api' }) },
    });
    const rs = (name: string, replicas: number) => client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, ownerReferences: [controllerRef(dep)] },
      spec: { replicas, selector: { matchLabels: { app: 'api', rev: name } }, template: template({ app: 'api', rev: name }) },
    });
    const old = await rs('api-old', 2);
    const cur = await rs('api-new', 2);
    await pod('api-1', { app: 'api', rev: 'api-old' }, old);
    await pod('api-2', { app: 'api', rev: 'api-old' }, old);
    await pod('api-3', { app: 'api', rev: 'api-new' }, cur);
    await pod('api-4', { app: 'api', rev: 'api-new' }, cur, false);
    await pdb('api-pdb', { maxUnavailable: '30%', selector: { matchLabels: { app: 'api' } } });
    // expected 4 (the Deployment's replicas), maxUnavailable ceil(1.2) = 2, desired 2, healthy 3.
    const st = await statusWhen('api-pdb', (s) => s.expectedPods === 4, 'expected pods from the deployment');
    assert.equal(st.desiredHealthy, 2);
    assert.equal(st.currentHealthy, 3);
    assert.equal(st.disruptionsAllowed, 1);
    const shown = await c.kubectl(['get', 'pdb', 'api-pdb', '--no-headers']);
    assert.match(shown.stdout, /api-pdb\s+N\/A\s+30%\s+1\s+/);

    await client.patch(R.poddisruptionbudgets, 'default', 'api-pdb', { spec: { maxUnavailable: '50%' } }, 'merge');
    const next = await statusWhen('api-pdb', (s) => s.observedGeneration === 2, 'observedGeneration 2');
    assert.equal(next.desiredHealthy, 2);
    assert.equal(next.disruptionsAllowed, 1);
    await client.patch(R.deployments, 'default', 'api', { spec: { replicas: 8 } }, 'merge');
    await setPodStatus(client, 'api-4', { ip: '10.42.9.44', ready: true }); // a pod event makes the budget look again
    const scaled = await statusWhen('api-pdb', (s) => s.expectedPods === 8, 'scale followed');
    assert.equal(scaled.desiredHealthy, 4);
    assert.equal(scaled.disruptionsAllowed, 0);
  });

  test('pods whose controller has no scale make the budget fail safe; unmanaged pods are reported', async () => {
    const job = await client.create(R.jobs, 'default', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch' },
      spec: { template: { ...template({ app: 'batch' }), spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await pod('batch-1', { app: 'batch' }, job);
    await pdb('batch-pdb', { maxUnavailable: 1, selector: { matchLabels: { app: 'batch' } } });
    const st = await statusWhen('batch-pdb', (s) => s.conditions?.some((x) => x.reason === 'SyncFailed') ?? false, 'SyncFailed');
    assert.equal(st.disruptionsAllowed, 0);
    assert.match(st.conditions?.find((x) => x.type === 'DisruptionAllowed')?.message ?? '', /jobs\.batch does not implement the scale subresource/);

    await pod('lone-1', { app: 'lone' });
    await pod('lone-2', { app: 'lone' });
    await pdb('lone-pdb', { minAvailable: '50%', selector: { matchLabels: { app: 'lone' } } });
    await eventually(async () => {
      const evs = await client.list(R.events, 'default');
      return evs.items.some((e) => e.reason === 'UnmanagedPods' && (e.involvedObject as { name?: string }).name === 'lone-pdb');
    }, 8000, 'UnmanagedPods event');
    const lone = await statusWhen('lone-pdb', (s) => s.observedGeneration === 1, 'lone status');
    assert.equal(lone.expectedPods, 0);
    assert.equal(lone.disruptionsAllowed, 0, 'no expected pods: no disruption allowed');
  });
});
