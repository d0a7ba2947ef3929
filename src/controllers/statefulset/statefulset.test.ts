// The StatefulSet controller against a real API server and the real kubectl. No kubelet and no
// scheduler: test-kubelet.ts binds pods to a fake node and reports them Running and Ready.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient, WatchEvent } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { ControllerRevision } from '../history/index.js';
import { garbageCollectorController } from '../garbagecollector/index.js';
import { statefulSetController, type StatefulSet } from './index.js';
import { startFakeKubelet, type FakeKubelet, type TestPod } from './test-kubelet.js';

interface Seen { type: string; name: string; ready: boolean; deleting: boolean; revision: string }

/** Records pod watch events of a namespace in order. */
function watchPods(client: ApiClient, ns: string): { events: Seen[]; stop(): void } {
  const abort = new AbortController();
  const events: Seen[] = [];
  void (async () => {
    try {
      const list = await client.list(R.pods, ns);
      for await (const ev of client.watch<TestPod & KubeObject>(R.pods, ns, { resourceVersion: list.metadata.resourceVersion ?? '' }, abort.signal) as AsyncIterable<WatchEvent<TestPod & KubeObject>>) {
        const p = ev.object;
        events.push({
          type: ev.type, name: p.metadata?.name ?? '',
          ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
          deleting: Boolean(p.metadata?.deletionTimestamp),
          revision: (p.metadata?.labels as Record<string, string> | undefined)?.['controller-revision-hash'] ?? '',
        });
      }
    } catch { /* stopped */ }
  })();
  return { events, stop: () => abort.abort() };
}

const firstIndex = (events: readonly Seen[], f: (e: Seen) => boolean): number => events.findIndex(f);

function webSet(ns: string, o: { replicas?: number; policy?: 'OrderedReady' | 'Parallel'; image?: string; partition?: number; onDelete?: boolean; minReadySeconds?: number } = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'nginx',
      podManagementPolicy: o.policy ?? 'OrderedReady',
      selector: { matchLabels: { app: 'nginx' } },
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.onDelete ? { updateStrategy: { type: 'OnDelete' } } : o.partition !== undefined ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: o.partition } } } : {}),
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: o.image ?? 'registry.k8s.io/nginx-slim:0.8', ports: [{ containerPort: 80, name: 'web' }] }] },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'www' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }],
    },
  };
}

async function getSet(client: ApiClient, ns: string): Promise<StatefulSet> {
  return client.get<StatefulSet>(R.statefulsets, ns, 'web');
}

async function podNames(client: ApiClient, ns: string): Promise<string[]> {
  return (await client.list(R.pods, ns)).items.map((p) => p.metadata?.name ?? '').sort();
}

describe('StatefulSet controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let client: ApiClient;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [statefulSetController], { config: { minReadyCheckMs: 20 } });
    client = h.client;
  });
  after(async () => {
    await h?.stop();
    await c?.stop();
  });

  async function namespace(name: string): Promise<string> {
    await client.create(R.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }

  test('OrderedReady creates web-0, web-1, web-2 in order, each with its claim, after the previous is Ready', async () => {
    const ns = await namespace('ordered');
    const allowed = new Set<string>();
    const kubelet = startFakeKubelet({ client, namespace: ns, defaultNode: 'node-1', shouldStart: (p) => allowed.has(p.metadata?.name ?? ''), startDelayMs: 50 });
    const w = watchPods(client, ns);
    try {
      await client.create(R.statefulsets, ns, webSet(ns));
      await eventually(async () => (await podNames(client, ns)).includes('web-0'), 10_000, 'web-0');
      // web-0 is not Ready: nothing else is created meanwhile.
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(await podNames(client, ns), ['web-0']);
      const claim = await client.get(R.persistentvolumeclaims, ns, 'www-web-0');
      assert.deepEqual(claim.metadata?.labels, { app: 'nginx' });
      allowed.add('web-0'); allowed.add('web-1'); allowed.add('web-2');
      kubelet.kick();
      const set = await eventually(async () => {
        const s = await getSet(client, ns);
        return s.status?.readyReplicas === 3 && s.status.currentReplicas === 3 ? s : undefined;
      }, 15_000, 'three ready replicas');

      // Creation order as the watch saw it: web-N only after web-(N-1) was Ready.
      const ev = w.events;
      for (const [prev, next] of [['web-0', 'web-1'], ['web-1', 'web-2']] as const) {
        const readyAt = firstIndex(ev, (e) => e.name === prev && e.ready);
        const addedAt = firstIndex(ev, (e) => e.name === next && e.type === 'ADDED');
        assert.ok(readyAt >= 0 && addedAt > readyAt, `${next} created after ${prev} was ready (${readyAt} < ${addedAt})`);
      }

      // Identity: labels, hostname, subdomain, the claim as volume.
      const web1 = await client.get<TestPod & KubeObject>(R.pods, ns, 'web-1');
      const labels = web1.metadata?.labels as Record<string, string>;
      assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'web-1');
      assert.equal(labels['apps.kubernetes.io/pod-index'], '1');
      assert.equal(labels['controller-revision-hash'], set.status?.updateRevision);
      assert.equal(web1.spec?.hostname, 'web-1');
      assert.equal(web1.spec?.subdomain, 'nginx');
      assert.deepEqual((web1.spec?.volumes as unknown[])[0], { name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
      assert.equal(web1.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');
      const claims = (await client.list(R.persistentvolumeclaims, ns)).items.map((x) => x.metadata?.name).sort();
      assert.deepEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2']);

      // Status as kube writes it.
      const st = set.status!;
      assert.equal(st.replicas, 3);
      assert.equal(st.availableReplicas, 3);
      assert.equal(st.updatedReplicas, 3);
      assert.equal(st.observedGeneration, 1);
      assert.equal(st.collisionCount, 0);
      assert.equal(st.currentRevision, st.updateRevision);
      assert.match(st.currentRevision ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);

      // The ControllerRevision: owned by the set, revision 1, data the template patch.
      const rev = await client.get<ControllerRevision>(R.controllerrevisions, ns, st.currentRevision ?? '');
      assert.equal(rev.revision, 1);
      assert.equal(rev.metadata?.ownerReferences?.[0]?.uid, set.metadata?.uid);
      assert.equal((rev.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');

      // Events, in kube's words.
      const messages = await eventually(async () => {
        const list = await client.list(R.events, ns);
        const m = list.items.map((e) => (e as { message?: string }).message ?? '');
        return m.includes('create Pod web-2 in StatefulSet web successful') ? m : undefined;
      }, 10_000, 'events');
      assert.ok(messages.includes('create Claim www-web-0 Pod web-0 in StatefulSet web success'), messages.join('\n'));
      assert.ok(messages.includes('create Pod web-0 in StatefulSet web successful'));

      const rs = await c.kubectl(['rollout', 'status', 'statefulset/web', '-n', ns, '--timeout=10s']);
      assert.match(rs.stdout, /partitioned roll out complete: 3 new pods have been updated/);
      const get = await c.kubectl(['get', 'statefulset', 'web', '-n', ns]);
      assert.match(get.stdout, /^web\s+3\/3\s/m);
    } finally {
      w.stop();
      await kubelet.stop();
    }
  });

  /** A namespace with a running 3-replica `web` and a kubelet that starts every pod. */
  async function runningWeb(name: string, o: Parameters<typeof webSet>[1] = {}, k: { terminateDelayMs?: number } = {}): Promise<{ ns: string; kubelet: FakeKubelet; w: ReturnType<typeof watchPods> }> {
    const ns = await namespace(name);
    const kubelet = startFakeKubelet({ client, namespace: ns, defaultNode: 'node-1', startDelayMs: 20, ...k });
    const w = watchPods(client, ns);
    await client.create(R.statefulsets, ns, webSet(ns, o));
    const want = o.replicas ?? 3;
    await eventually(async () => {
      const s = await getSet(client, ns);
      return s.status?.readyReplicas === want && s.status.updatedReplicas === want;
    }, 15_000, `${want} ready replicas`);
    return { ns, kubelet, w };
  }

  test('scaling down removes the highest ordinal first, one at a time, and keeps the claims', async () => {
    const { ns, kubelet, w } = await runningWeb('scale', {}, { terminateDelayMs: 300 });
    try {
      await c.kubectl(['scale', 'statefulset/web', '--replicas=1', '-n', ns]);
      await eventually(async () => (await podNames(client, ns)).join() === 'web-0' && (await getSet(client, ns)).status?.replicas === 1, 15_000, 'one replica');
      const ev = w.events;
      const web2Deleting = firstIndex(ev, (e) => e.name === 'web-2' && e.deleting);
      const web2Gone = firstIndex(ev, (e) => e.name === 'web-2' && e.type === 'DELETED');
      const web1Deleting = firstIndex(ev, (e) => e.name === 'web-1' && e.deleting);
      assert.ok(web2Deleting >= 0 && web2Gone > web2Deleting, 'web-2 terminated gracefully');
      assert.ok(web1Deleting > web2Gone, `web-1 deleted only after web-2 was gone (${web2Gone} < ${web1Deleting})`);
      assert.equal(firstIndex(ev, (e) => e.name === 'web-0' && e.deleting), -1);
      // Claims stay (whenScaled: Retain) and are re-used when scaling back up.
      const claims = async () => (await client.list(R.persistentvolumeclaims, ns)).items.map((x) => `${x.metadata?.name}@${x.metadata?.uid}`).sort();
      const before = await claims();
      assert.equal(before.length, 3);
      await c.kubectl(['scale', 'statefulset/web', '--replicas=3', '-n', ns]);
      await eventually(async () => (await getSet(client, ns)).status?.readyReplicas === 3, 15_000, 'three replicas again');
      assert.deepEqual(await claims(), before);
      const messages = (await client.list(R.events, ns)).items.map((e) => (e as { message?: string }).message ?? '');
      assert.ok(messages.includes('delete Pod web-2 in StatefulSet web successful'), messages.join('\n'));
    } finally {
      w.stop();
      await kubelet.stop();
    }
  });

  test('a rolling update honours the partition, goes from the highest ordinal down, and rolls back with kubectl', async () => {
    const { ns, kubelet, w } = await runningWeb('rolling', {}, { terminateDelayMs: 100 });
    try {
      const first = (await getSet(client, ns)).status?.currentRevision ?? '';
      await c.kubectl(['patch', 'statefulset/web', '-n', ns, '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}']);
      await c.kubectl(['set', 'image', 'statefulset/web', 'nginx=registry.k8s.io/nginx-slim:0.9', '-n', ns]);
      const partial = await eventually(async () => {
        const s = await getSet(client, ns);
        return s.status?.updatedReplicas === 1 && s.status.readyReplicas === 3 && s.status.updateRevision !== first ? s : undefined;
      }, 15_000, 'web-2 updated');
      const second = partial.status?.updateRevision ?? '';
      assert.equal(partial.status?.currentRevision, first);
      const revisionOf = async (name: string) => ((await client.get(R.pods, ns, name)).metadata?.labels ?? {})['controller-revision-hash'];
      assert.equal(await revisionOf('web-2'), second);
      assert.equal(await revisionOf('web-1'), first);
      assert.equal(await revisionOf('web-0'), first);
      const partStatus = await c.kubectl(['rollout', 'status', 'statefulset/web', '-n', ns, '--timeout=10s']);
      assert.match(partStatus.stdout, /partitioned roll out complete: 1 new pods have been updated/);

      // Partition 0: web-1, then web-0, each after the previous replacement is ready.
      await c.kubectl(['patch', 'statefulset/web', '-n', ns, '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
      const done = await eventually(async () => {
        const s = await getSet(client, ns);
        return s.status?.currentRevision === second && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 ? s : undefined;
      }, 15_000, 'rollout complete');
      assert.equal(done.status?.currentReplicas, 3);
      const ev = w.events;
      const web1Deleted = firstIndex(ev, (e) => e.name === 'web-1' && e.deleting);
      const web1Ready = firstIndex(ev, (e) => e.name === 'web-1' && e.ready && e.revision === second);
      const web0Deleted = firstIndex(ev, (e) => e.name === 'web-0' && e.deleting);
      assert.ok(web1Deleted >= 0 && web1Ready > web1Deleted && web0Deleted > web1Ready, `order ${web1Deleted} < ${web1Ready} < ${web0Deleted}`);

      // kubectl reads the history from the ControllerRevisions.
      const hist = await c.kubectl(['rollout', 'history', 'statefulset/web', '-n', ns]);
      assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
      const rev1 = await c.kubectl(['rollout', 'history', 'statefulset/web', '-n', ns, '--revision=1']);
      assert.match(rev1.stdout, /nginx-slim:0\.8/);

      // Undo: the template goes back; the old revision is re-used and becomes number 3.
      const undo = await c.kubectl(['rollout', 'undo', 'statefulset/web', '-n', ns]);
      assert.match(undo.stdout, /statefulset.apps\/web rolled back/);
      await eventually(async () => {
        const s = await getSet(client, ns);
        return s.status?.currentRevision === first && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3;
      }, 15_000, 'rolled back');
      const revs = (await client.list<ControllerRevision>(R.controllerrevisions, ns)).items.map((r) => `${r.metadata?.name}=${r.revision}`).sort();
      assert.deepEqual(revs, [`${first}=3`, `${second}=2`].sort());
      const hist2 = await c.kubectl(['rollout', 'history', 'statefulset/web', '-n', ns]);
      assert.match(hist2.stdout, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
      for (const name of ['web-0', 'web-1', 'web-2']) {
        const p = await client.get<TestPod & KubeObject>(R.pods, ns, name);
        assert.equal(p.spec?.containers?.[0]?.image, 'registry.k8s.io/nginx-slim:0.8');
      }
    } finally {
      w.stop();
      await kubelet.stop();
    }
  });

  test('Parallel creates every pod at once, without waiting for readiness', async () => {
    const ns = await namespace('parallel');
    let start = false;
    const kubelet = startFakeKubelet({ client, namespace: ns, defaultNode: 'node-1', shouldStart: () => start });
    try {
      await client.create(R.statefulsets, ns, webSet(ns, { policy: 'Parallel' }));
      await eventually(async () => (await podNames(client, ns)).join() === 'web-0,web-1,web-2', 10_000, 'three pods');
      const s = await eventually(async () => {
        const x = await getSet(client, ns);
        return x.status?.replicas === 3 ? x : undefined;
      }, 10_000, 'status');
      assert.equal(s.status?.readyReplicas ?? 0, 0);
      start = true;
      kubelet.kick();
      await eventually(async () => (await getSet(client, ns)).status?.readyReplicas === 3, 10_000, 'ready');
    } finally {
      await kubelet.stop();
    }
  });

  test('OnDelete leaves pods alone until they are deleted; a replacement uses the new template', async () => {
    // The kubelet takes a moment to stop the pod, so `kubectl delete` sees it terminate before its replacement appears.
    const { ns, kubelet, w } = await runningWeb('ondelete', { onDelete: true }, { terminateDelayMs: 200 });
    try {
      const first = (await getSet(client, ns)).status?.currentRevision ?? '';
      await c.kubectl(['set', 'image', 'statefulset/web', 'nginx=registry.k8s.io/nginx-slim:0.9', '-n', ns]);
      const s = await eventually(async () => {
        const x = await getSet(client, ns);
        return x.status?.updateRevision && x.status.updateRevision !== first && x.status.observedGeneration === 2 ? x : undefined;
      }, 10_000, 'new update revision');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(firstIndex(w.events, (e) => e.deleting), -1, 'nothing deleted');
      assert.equal(s.status?.currentRevision, first);
      await c.kubectl(['delete', 'pod', 'web-1', '-n', ns]);
      await eventually(async () => {
        const p = await client.get(R.pods, ns, 'web-1');
        return p.metadata?.labels?.['controller-revision-hash'] === s.status?.updateRevision;
      }, 10_000, 'web-1 recreated at the update revision');
      assert.equal((await client.get(R.pods, ns, 'web-0')).metadata?.labels?.['controller-revision-hash'], first);
      await eventually(async () => (await getSet(client, ns)).status?.updatedReplicas === 1, 10_000, 'one updated');
    } finally {
      w.stop();
      await kubelet.stop();
    }
  });

  test('persistentVolumeClaimRetentionPolicy Delete: claims go with scaled-down pods and with the set', async () => {
    const gc = await startControllerHarness(c, [garbageCollectorController]);
    const ns = await namespace('retention');
    const kubelet = startFakeKubelet({ client, namespace: ns, defaultNode: 'node-1' });
    try {
      const set = webSet(ns, { replicas: 2 });
      set.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' };
      const created = await client.create<StatefulSet>(R.statefulsets, ns, set);
      await eventually(async () => (await getSet(client, ns)).status?.readyReplicas === 2, 15_000, 'two ready');
      const claim0 = await eventually(async () => {
        const cl = await client.get(R.persistentvolumeclaims, ns, 'www-web-0');
        return cl.metadata?.ownerReferences?.length ? cl : undefined;
      }, 10_000, 'claim owned');
      assert.deepEqual(claim0.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['StatefulSet', 'web', created.metadata?.uid, true]]);

      await c.kubectl(['scale', 'statefulset/web', '--replicas=1', '-n', ns]);
      await eventually(async () => {
        const names = (await client.list(R.persistentvolumeclaims, ns)).items.map((x) => x.metadata?.name);
        return names.join() === 'www-web-0';
      }, 15_000, 'www-web-1 deleted with web-1');

      await c.kubectl(['delete', 'statefulset/web', '-n', ns]);
      await eventually(async () => (await client.list(R.persistentvolumeclaims, ns)).items.length === 0, 15_000, 'claims deleted with the set');
    } finally {
      await kubelet.stop();
      await gc.stop();
    }
  });

  test('minReadySeconds: the next pod waits until the previous one has been ready that long', async () => {
    const ns = await namespace('minready');
    const kubelet = startFakeKubelet({ client, namespace: ns, defaultNode: 'node-1' });
    try {
      // Timestamps have whole seconds (as kube's): 2 s leaves at least 1 s of "ready, not available".
      await client.create(R.statefulsets, ns, webSet(ns, { replicas: 2, minReadySeconds: 2 }));
      const mid = await eventually(async () => {
        const s = await getSet(client, ns);
        return s.status?.readyReplicas === 1 ? s : undefined;
      }, 10_000, 'web-0 ready');
      assert.equal(mid.status?.availableReplicas, 0, 'ready but not yet available');
      await eventually(async () => (await getSet(client, ns)).status?.availableReplicas === 2, 15_000, 'both available');
      const web0 = await client.get<TestPod & KubeObject>(R.pods, ns, 'web-0');
      const web1 = await client.get<TestPod & KubeObject>(R.pods, ns, 'web-1');
      const readySince = Date.parse(web0.status?.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime ?? '');
      const created = Date.parse(web1.metadata?.creationTimestamp ?? '');
      assert.ok(created >= readySince + 2000, `web-1 created at ${web1.metadata?.creationTimestamp}, web-0 ready since ${new Date(readySince).toISOString()}`);
    } finally {
      await kubelet.stop();
    }
  });

  test('a failed pod is deleted and made again under the same name', async () => {
    const { ns, kubelet, w } = await runningWeb('failed', { replicas: 2 });
    try {
      const before = await client.get(R.pods, ns, 'web-1');
      await client.patch(R.pods, ns, 'web-1', { status: { phase: 'Failed' } }, 'merge', { subresource: 'status' });
      await eventually(async () => {
        const p = await client.get<TestPod & KubeObject>(R.pods, ns, 'web-1');
        return p.metadata?.uid !== before.metadata?.uid && p.status?.phase === 'Running';
      }, 10_000, 'web-1 replaced');
      await eventually(async () => (await getSet(client, ns)).status?.readyReplicas === 2, 10_000, 'ready again');
    } finally {
      w.stop();
      await kubelet.stop();
    }
  });
});
