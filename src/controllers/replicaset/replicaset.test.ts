// The ReplicaSet controller against a real API server and the real kubectl. No kubelet: the tests
// play its part by writing pod status (test-pods.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import pino from 'pino';
import { R, INDEX_CONTROLLER, INDEX_NAMESPACE } from '../../client/index.js';
import type { Lister } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { realClock } from '../../machinery/clock.js';
import { controllerOf } from '../runtime/index.js';
import { replicaSetControllerWith, type Pod, type ReplicaSet } from './index.js';
import { ControllerExpectations } from './expectations.js';
import { isPodActive } from './pods.js';
import { syncReplicaSet } from './sync.js';
import { setPodStatus, startPodReadier, type PodReadier } from './test-pods.js';

const NS = 'default';

/** A lister frozen at `items`: an informer that lags behind every write. */
function frozenLister<T extends KubeObject>(items: readonly T[], orphanIndex = ''): Lister<T> {
  const key = (o: T) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return {
    get: (k) => items.find((o) => key(o) === k),
    list: () => items,
    byIndex: (index, value) => items.filter((o) => {
      if (index === INDEX_NAMESPACE) return o.metadata?.namespace === value;
      if (index === INDEX_CONTROLLER) return controllerOf(o)?.uid === value;
      if (index === orphanIndex) return !controllerOf(o) && o.metadata?.namespace === value;
      return false;
    }),
  };
}

function rsManifest(name: string, replicas: number, extra: { labels?: Record<string, string>; minReadySeconds?: number; finalizers?: string[] } = {}): string {
  const labels = extra.labels ?? { app: name };
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: NS },
    spec: {
      replicas, selector: { matchLabels: labels },
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      template: {
        metadata: { labels: { ...labels, tier: 'web' }, ...(extra.finalizers ? { finalizers: extra.finalizers } : {}) },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      },
    },
  });
}

describe('replicaset controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let readier: PodReadier;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [replicaSetControllerWith({ retryBaseMs: 20 })], { config: { minReadyCheckMs: 100 } });
    // Pods whose name starts with "manual-" or that carry rank=manual are driven by the test itself.
    readier = startPodReadier(h.client, NS, { filter: (p) => !(p.metadata?.name ?? '').startsWith('manual-') && p.metadata?.labels?.rank !== 'manual' && p.metadata?.labels?.ready !== 'no' });
  });
  after(async () => {
    await readier?.stop();
    await h?.stop();
    await c?.stop();
  });

  const apply = (yaml: string) => c.kubectl(['apply', '-f', '-'], { input: yaml });
  const getRs = (name: string) => h.client.get<ReplicaSet>(R.replicasets, NS, name);
  const podsOf = async (selector: string) => (await h.client.list<Pod>(R.pods, NS, { labelSelector: selector })).items;
  const activePods = async (selector: string) => (await podsOf(selector)).filter(isPodActive);
  const eventsOf = async (name: string) => {
    const list = await h.client.list(R.events, NS, { fieldSelector: `involvedObject.name=${name}` });
    return list.items.map((e) => ({ type: e.type as string, reason: e.reason as string, message: e.message as string }));
  };
  const waitPods = (selector: string, n: number, what: string) => eventually(async () => {
    const ps = await activePods(selector);
    return ps.length === n ? ps : undefined;
  }, 10_000, what);

  test('kubectl apply: 3 pods from the template, owned, counted in status; a deleted pod is replaced', async () => {
    await apply(rsManifest('web', 3));
    const pods = await waitPods('app=web', 3, '3 pods of web');
    const rs = await getRs('web');
    for (const p of pods) {
      assert.match(p.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
      assert.equal(p.metadata?.generateName, 'web-');
      assert.deepEqual(p.metadata?.labels, { app: 'web', tier: 'web' });
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const st = await eventually(async () => {
      const s = (await getRs('web')).status;
      return s?.availableReplicas === 3 ? s : undefined;
    }, 10_000, 'web available');
    assert.deepEqual({ ...st, conditions: undefined }, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1, conditions: undefined });
    const out = await c.kubectl(['get', 'rs', 'web', '--no-headers']);
    assert.match(out.stdout, /^web\s+3\s+3\s+3\s+/);
    const evs = await eventsOf('web');
    const created = evs.filter((e) => e.reason === 'SuccessfulCreate');
    assert.equal(created.length, 3);
    assert.deepEqual(created.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());

    const victim = pods[0]!.metadata?.name ?? '';
    await c.kubectl(['delete', 'pod', victim, '--wait=false']);
    const after = await eventually(async () => {
      const ps = await activePods('app=web');
      return ps.length === 3 && !ps.some((p) => p.metadata?.name === victim) ? ps : undefined;
    }, 10_000, 'replacement pod');
    assert.equal(new Set(after.map((p) => p.metadata?.name)).size, 3);
    await eventually(async () => (await getRs('web')).status?.availableReplicas === 3, 10_000, 'web available again');
  });

  test('kubectl scale to 20 and back: never more pods than asked, no pod created or deleted twice', async () => {
    await apply(rsManifest('burst', 2));
    await waitPods('app=burst', 2, '2 pods');
    let max = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        max = Math.max(max, (await activePods('app=burst')).length);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      await c.kubectl(['scale', 'rs', 'burst', '--replicas=20']);
      await waitPods('app=burst', 20, '20 pods');
      await eventually(async () => (await getRs('burst')).status?.availableReplicas === 20, 10_000, '20 available');
      await new Promise((r) => setTimeout(r, 300)); // any stray extra creation would show now
      assert.equal((await activePods('app=burst')).length, 20);
      await c.kubectl(['scale', 'rs', 'burst', '--replicas=3']);
      await waitPods('app=burst', 3, '3 pods');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await activePods('app=burst')).length, 3);
    } finally {
      sampling = false;
      await sampler;
    }
    assert.ok(max <= 20, `at most 20 pods at once, saw ${max}`);
    const evs = await eventsOf('burst');
    assert.equal(evs.filter((e) => e.reason === 'SuccessfulCreate').length, 20);
    assert.equal(evs.filter((e) => e.reason === 'SuccessfulDelete').length, 17);
    const st = (await getRs('burst')).status;
    assert.equal(st?.replicas, 3);
    assert.equal(st?.observedGeneration, 3);
  });

  test('orphans matching the selector are adopted; a pod relabelled away is released and replaced', async () => {
    for (const n of ['orphan-a', 'orphan-b']) {
      await apply(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: NS, labels: { app: 'adopt', tier: 'web' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } }));
    }
    await apply(rsManifest('adopt', 3));
    const rs = await getRs('adopt');
    const pods = await eventually(async () => {
      const ps = await activePods('app=adopt');
      return ps.length === 3 && ps.every((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid) ? ps : undefined;
    }, 10_000, 'adoption');
    const names = pods.map((p) => p.metadata?.name);
    assert.ok(names.includes('orphan-a') && names.includes('orphan-b'), `orphans kept: ${names.join(',')}`);
    assert.deepEqual(pods.find((p) => p.metadata?.name === 'orphan-a')?.metadata?.ownerReferences,
      [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal((await eventsOf('adopt')).filter((e) => e.reason === 'SuccessfulCreate').length, 1);

    await c.kubectl(['label', 'pod', 'orphan-a', 'app=elsewhere', '--overwrite']);
    await eventually(async () => {
      const p = await h.client.get<Pod>(R.pods, NS, 'orphan-a');
      return (p.metadata?.ownerReferences ?? []).length === 0;
    }, 10_000, 'release of orphan-a');
    await waitPods('app=adopt', 3, 'a replacement for the released pod');
  });

  test('scale down deletes unscheduled, then pending, then not ready, then most restarted pods', async () => {
    // Five pods of one ReplicaSet, each worse than the next by one ranking rule.
    const base = { app: 'rank', tier: 'web', rank: 'manual' };
    const names = ['manual-unscheduled', 'manual-pending', 'manual-notready', 'manual-restarts', 'manual-best'];
    for (const n of names) {
      await apply(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: NS, labels: base }, spec: { containers: [{ name: 'main', image: 'busybox' }] } }));
    }
    const readySince = Date.now() - 60_000;
    for (const n of names.slice(1)) {
      await c.request('POST', `/api/v1/namespaces/${NS}/pods/${n}/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: n }, target: { kind: 'Node', name: 'node-a' } } });
    }
    await setPodStatus(h.client, NS, 'manual-pending', { phase: 'Pending', ready: false });
    await setPodStatus(h.client, NS, 'manual-notready', { phase: 'Running', ready: false });
    await setPodStatus(h.client, NS, 'manual-restarts', { phase: 'Running', ready: true, restartCount: 4, readySinceMs: readySince });
    await setPodStatus(h.client, NS, 'manual-best', { phase: 'Running', ready: true, restartCount: 0, readySinceMs: readySince });
    await apply(rsManifest('rank', 5, { labels: { app: 'rank' } }));
    const rs = await getRs('rank');
    await eventually(async () => (await activePods('app=rank')).filter((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid).length === 5, 10_000, 'all five adopted');
    assert.equal((await eventsOf('rank')).filter((e) => e.reason === 'SuccessfulCreate').length, 0);
    for (let i = 0; i < 4; i++) {
      await c.kubectl(['scale', 'rs', 'rank', `--replicas=${4 - i}`]);
      const left = await waitPods('app=rank', 4 - i, `${4 - i} pods left`);
      assert.deepEqual(left.map((p) => p.metadata?.name).sort(), names.slice(i + 1).sort(), `after scaling to ${4 - i}`);
    }
    const deleted = (await eventsOf('rank')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deleted.sort(), names.slice(0, 4).map((n) => `Deleted pod: ${n}`).sort());
  });

  test('a pod the API refuses: FailedCreate event and ReplicaFailure condition, cleared once creation works', async () => {
    await apply(rsManifest('broken', 2, { finalizers: ['not a valid finalizer!'] }));
    const cond = await eventually(async () => (await getRs('broken')).status?.conditions?.find((x) => x.type === 'ReplicaFailure'), 10_000, 'ReplicaFailure');
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(cond.message ?? '', /finalizers/);
    const failed = await eventually(async () => (await eventsOf('broken')).find((e) => e.reason === 'FailedCreate'), 10_000, 'FailedCreate event');
    assert.equal(failed.type, 'Warning');
    assert.match(failed.message, /^Error creating: /);
    await c.kubectl(['patch', 'rs', 'broken', '--type=json', '-p', '[{"op":"remove","path":"/spec/template/metadata/finalizers"}]']);
    await waitPods('app=broken', 2, 'pods once the template is fixed');
    await eventually(async () => !(await getRs('broken')).status?.conditions?.some((x) => x.type === 'ReplicaFailure'), 10_000, 'condition cleared');
  });

  test('minReadySeconds: ready pods count as available only after it, without any other event', async () => {
    await apply(rsManifest('slow', 2, { minReadySeconds: 1 }));
    await eventually(async () => (await getRs('slow')).status?.readyReplicas === 2, 10_000, '2 ready');
    const early = (await getRs('slow')).status;
    assert.equal(early?.availableReplicas ?? 0, 0);
    await eventually(async () => (await getRs('slow')).status?.availableReplicas === 2, 5_000, '2 available after minReadySeconds');
  });

  test('expectations: a sync never repeats creations or deletions its informer has not shown yet', async () => {
    // A ReplicaSet the running controller does not know (not stored): this sync alone acts for it.
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'lagging', namespace: NS, uid: 'b6a1c0de-0000-4000-8000-000000000001', generation: 1, resourceVersion: '1' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'lagging' } }, template: { metadata: { labels: { app: 'lagging' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } },
    };
    const expectations = new ControllerExpectations(realClock);
    const depsWith = (pods: readonly Pod[]) => ({
      client: h.client, events: h.ctx.events, clock: realClock, log: pino({ level: 'silent' }),
      replicaSets: frozenLister([rs]), pods: frozenLister(pods, 'orphans'), orphanIndex: 'orphans',
      expectations, burstReplicas: 500, availabilityPaddingMs: 0,
    });
    const syncIgnoringStatus = async (pods: readonly Pod[]) => {
      // The status write fails (the ReplicaSet is not stored); pods are what this test is about.
      await syncReplicaSet(depsWith(pods), `${NS}/lagging`).catch((e: { code?: number }) => { if (e.code !== 404) throw e; });
    };
    await syncIgnoringStatus([]);
    await syncIgnoringStatus([]); // the cache still shows no pods
    let pods = await podsOf('app=lagging');
    assert.equal(pods.length, 3, 'created once, not twice');
    for (let i = 0; i < 3; i++) expectations.creationObserved(`${NS}/lagging`);
    rs.spec!.replicas = 1;
    await syncIgnoringStatus(pods);
    await syncIgnoringStatus(pods); // the cache still shows all three
    pods = await podsOf('app=lagging');
    assert.equal(pods.length, 1, 'deleted two, once');
    await c.kubectl(['delete', 'pods', '-l', 'app=lagging', '--wait=false']);
  });
});
