// The DaemonSet controller against a real API server and the real kubectl. No scheduler and no
// kubelet: the fake kubelet (statefulset/test-kubelet.ts) binds each daemon pod to the node its
// required node affinity names — the binding kube-scheduler would make — and reports it Running
// and Ready. Pods of a deleted node are removed by PodGC, as in kube, which runs here too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { ControllerRevision } from '../history/index.js';
import { podGcControllerWith } from '../nodelifecycle/index.js';
import { startFakeKubelet, type FakeKubelet, type TestPod } from '../statefulset/test-kubelet.js';
import { daemonSetControllerWith, type DaemonSet } from './index.js';

type P = TestPod & KubeObject;

function daemonSet(ns: string, name: string, pool: string, o: { image?: string; nodeSelector?: Record<string, string>; maxSurge?: number; maxUnavailable?: number; onDelete?: boolean; tolerations?: unknown[] } = {}): DaemonSet {
  const rolling = o.maxSurge !== undefined || o.maxUnavailable !== undefined
    ? { rollingUpdate: { ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}), ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}) } } : {};
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', ...rolling },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: { pool, ...(o.nodeSelector ?? {}) },
          ...(o.tolerations ? { tolerations: o.tolerations as never } : {}),
          containers: [{ name: 'agent', image: o.image ?? 'fluentd:v1' }],
        } as Record<string, unknown>,
      },
    },
  };
}

describe('DaemonSet controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let client: ApiClient;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [daemonSetControllerWith(), podGcControllerWith({ periodMs: 100, quarantineMs: 200 })], { config: { minReadyCheckMs: 20 } });
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

  async function node(name: string, labels: Record<string, string>, taints?: unknown[]): Promise<void> {
    await client.create(R.nodes, '', {
      apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
      spec: taints ? { taints } : {},
      status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
  }

  const podsOf = async (ns: string, app: string): Promise<P[]> =>
    (await client.list<P>(R.pods, ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const nodesOf = async (ns: string, app: string): Promise<string[]> =>
    (await podsOf(ns, app)).map((p) => p.spec?.nodeName ?? '').sort();
  const getDs = (ns: string, name: string) => client.get<DaemonSet>(R.daemonsets, ns, name);
  const isReady = (p: P) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

  async function settled(ns: string, name: string, desired: number): Promise<DaemonSet> {
    return eventually(async () => {
      const ds = await getDs(ns, name);
      const s = ds.status;
      return s && s.desiredNumberScheduled === desired && s.currentNumberScheduled === desired && s.numberReady === desired
        && (s.updatedNumberScheduled ?? 0) === desired && (s.numberAvailable ?? 0) === desired && s.observedGeneration === ds.metadata?.generation
        ? ds : undefined;
    }, 15_000, `${name}: ${desired} pods ready`);
  }

  test('one pod per eligible node, pinned by node affinity; follows nodes joining and leaving', async () => {
    const ns = await namespace('basic');
    await node('basic-1', { pool: 'basic' });
    await node('basic-2', { pool: 'basic' });
    await node('basic-3', { pool: 'basic' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]); // not tolerated
    await node('other-1', { pool: 'other' }); // not selected
    const kubelet = startFakeKubelet({ client, namespace: ns });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'fluentd', 'basic'));
      const ds = await settled(ns, 'fluentd', 2);
      assert.deepEqual(await nodesOf(ns, 'fluentd'), ['basic-1', 'basic-2']);
      assert.equal(ds.status?.numberMisscheduled, 0);

      const pod = (await podsOf(ns, 'fluentd')).find((p) => p.spec?.nodeName === 'basic-1') as P;
      assert.match(pod.metadata?.name ?? '', /^fluentd-[a-z0-9]{5}$/);
      assert.deepEqual(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
        { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['basic-1'] }] }] });
      const tolerations = (pod.spec?.tolerations as { key?: string; effect?: string }[]).map((t) => `${t.key}:${t.effect}`);
      for (const t of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) {
        assert.ok(tolerations.includes(t), `${t} in ${tolerations.join(', ')}`);
      }
      assert.ok(!tolerations.includes('node.kubernetes.io/network-unavailable:NoSchedule'), 'only host-network pods tolerate network-unavailable');
      const hash = (pod.metadata?.labels as Record<string, string>)['controller-revision-hash'];
      const rev = await client.get<ControllerRevision>(R.controllerrevisions, ns, `fluentd-${hash}`);
      assert.equal(rev.revision, 1);
      assert.equal(rev.metadata?.ownerReferences?.[0]?.name, 'fluentd');

      const rs = await c.kubectl(['rollout', 'status', 'daemonset/fluentd', '-n', ns, '--timeout=10s']);
      assert.match(rs.stdout, /daemon set "fluentd" successfully rolled out/);
      const get = await c.kubectl(['get', 'daemonset', 'fluentd', '-n', ns]);
      assert.match(get.stdout, /^fluentd\s+2\s+2\s+2\s+2\s+2\s+pool=basic\s/m);

      // A node joins: it gets a pod.
      await node('basic-4', { pool: 'basic' });
      await settled(ns, 'fluentd', 3);
      assert.deepEqual(await nodesOf(ns, 'fluentd'), ['basic-1', 'basic-2', 'basic-4']);

      // Tolerating the taint makes basic-3 eligible.
      await c.kubectl(['patch', 'daemonset/fluentd', '-n', ns, '--type=merge', '-p', '{"spec":{"template":{"spec":{"tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}}}}']);
      await settled(ns, 'fluentd', 4);
      assert.deepEqual(await nodesOf(ns, 'fluentd'), ['basic-1', 'basic-2', 'basic-3', 'basic-4']);

      // A node leaves: its pod goes (PodGC), the status counts one fewer.
      await client.delete(R.nodes, '', 'basic-2');
      await settled(ns, 'fluentd', 3);
      await eventually(async () => (await nodesOf(ns, 'fluentd')).join() === 'basic-1,basic-3,basic-4', 10_000, 'pod of basic-2 gone');

      const events = (await client.list(R.events, ns)).items.map((e) => `${(e as { reason?: string }).reason} ${(e as { message?: string }).message}`);
      assert.ok(events.some((e) => /^SuccessfulCreate Created pod: fluentd-/.test(e)), events.join('\n'));
    } finally {
      await kubelet.stop();
    }
  });

  test('nodeSelector: a node gets a pod when labelled and loses it when the label goes', async () => {
    const ns = await namespace('selector');
    await node('sel-1', { pool: 'sel', disk: 'ssd' });
    await node('sel-2', { pool: 'sel', disk: 'hdd' });
    const kubelet = startFakeKubelet({ client, namespace: ns });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'ssd', 'sel', { nodeSelector: { disk: 'ssd' } }));
      await settled(ns, 'ssd', 1);
      assert.deepEqual(await nodesOf(ns, 'ssd'), ['sel-1']);
      await c.kubectl(['label', 'node', 'sel-2', 'disk=ssd', '--overwrite']);
      await settled(ns, 'ssd', 2);
      assert.deepEqual(await nodesOf(ns, 'ssd'), ['sel-1', 'sel-2']);
      await c.kubectl(['label', 'node', 'sel-1', 'disk-']);
      await settled(ns, 'ssd', 1);
      await eventually(async () => (await nodesOf(ns, 'ssd')).join() === 'sel-2', 10_000, 'pod of sel-1 deleted');
    } finally {
      await kubelet.stop();
    }
  });

  /** Per node, whether a ready pod serves it, replayed from the pod watch. */
  function watchAvailability(ns: string, app: string): { maxDown: () => number; maxPodsPerNode: () => number; stop(): void } {
    const abort = new AbortController();
    const pods = new Map<string, P>();
    let maxDown = 0;
    let maxPerNode = 0;
    const nodesSeen = new Set<string>();
    void (async () => {
      try {
        const list = await client.list<P>(R.pods, ns, { labelSelector: `app=${app}` });
        for (const p of list.items) { pods.set(p.metadata?.name ?? '', p); if (p.spec?.nodeName) nodesSeen.add(p.spec.nodeName); }
        for await (const ev of client.watch<P>(R.pods, ns, { resourceVersion: list.metadata.resourceVersion ?? '', labelSelector: `app=${app}` }, abort.signal)) {
          const p = ev.object;
          if (ev.type === 'DELETED') pods.delete(p.metadata?.name ?? ''); else pods.set(p.metadata?.name ?? '', p);
          const up = new Set<string>();
          const perNode = new Map<string, number>();
          for (const x of pods.values()) {
            const n = x.spec?.nodeName ?? '';
            perNode.set(n, (perNode.get(n) ?? 0) + 1);
            if (isReady(x) && !x.metadata?.deletionTimestamp) up.add(n);
          }
          maxDown = Math.max(maxDown, [...nodesSeen].filter((n) => !up.has(n)).length);
          maxPerNode = Math.max(maxPerNode, ...perNode.values());
        }
      } catch { /* stopped */ }
    })();
    return { maxDown: () => maxDown, maxPodsPerNode: () => maxPerNode, stop: () => abort.abort() };
  }

  test('RollingUpdate replaces one node at a time (maxUnavailable 1); kubectl rollout status, history and undo', async () => {
    const ns = await namespace('rolling');
    for (const n of ['roll-1', 'roll-2', 'roll-3']) await node(n, { pool: 'roll' });
    const kubelet = startFakeKubelet({ client, namespace: ns, startDelayMs: 30, terminateDelayMs: 50 });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'agent', 'roll'));
      const first = await settled(ns, 'agent', 3);
      const w = watchAvailability(ns, 'agent');
      await new Promise((r) => setTimeout(r, 100));
      await c.kubectl(['set', 'image', 'daemonset/agent', 'agent=fluentd:v2', '-n', ns]);
      const status = await c.kubectl(['rollout', 'status', 'daemonset/agent', '-n', ns, '--timeout=20s']);
      assert.match(status.stdout, /daemon set "agent" successfully rolled out/);
      await settled(ns, 'agent', 3);
      w.stop();
      assert.equal(w.maxDown(), 1, 'exactly one node without a ready pod at a time');
      assert.equal(w.maxPodsPerNode(), 1, 'no surge');
      for (const p of await podsOf(ns, 'agent')) assert.equal((p.spec?.containers as { image: string }[])[0]?.image, 'fluentd:v2');

      const hist = await c.kubectl(['rollout', 'history', 'daemonset/agent', '-n', ns]);
      assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
      const undo = await c.kubectl(['rollout', 'undo', 'daemonset/agent', '-n', ns]);
      assert.match(undo.stdout, /daemonset.apps\/agent rolled back/);
      await c.kubectl(['rollout', 'status', 'daemonset/agent', '-n', ns, '--timeout=20s']);
      await settled(ns, 'agent', 3);
      for (const p of await podsOf(ns, 'agent')) assert.equal((p.spec?.containers as { image: string }[])[0]?.image, 'fluentd:v1');
      // The first revision was re-used as number 3: its pods carry its hash again.
      const revs = (await client.list<ControllerRevision>(R.controllerrevisions, ns)).items;
      const byNumber = new Map(revs.map((r) => [r.revision, r]));
      assert.deepEqual([...byNumber.keys()].sort(), [2, 3]);
      const firstHash = (await client.list<ControllerRevision>(R.controllerrevisions, ns)).items.find((r) => r.revision === 3)?.metadata?.labels?.['controller-revision-hash'];
      for (const p of await podsOf(ns, 'agent')) assert.equal((p.metadata?.labels as Record<string, string>)['controller-revision-hash'], firstHash);
      assert.equal(first.metadata?.name, 'agent');
    } finally {
      await kubelet.stop();
    }
  });

  test('maxSurge starts the new pod beside the old one, which goes once the new one is available', async () => {
    const ns = await namespace('surge');
    for (const n of ['surge-1', 'surge-2']) await node(n, { pool: 'surge' });
    const kubelet = startFakeKubelet({ client, namespace: ns, startDelayMs: 30, terminateDelayMs: 50 });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'proxy', 'surge', { maxSurge: 1, maxUnavailable: 0 }));
      await settled(ns, 'proxy', 2);
      const w = watchAvailability(ns, 'proxy');
      await new Promise((r) => setTimeout(r, 100));
      await c.kubectl(['set', 'image', 'daemonset/proxy', 'agent=fluentd:v2', '-n', ns]);
      await c.kubectl(['rollout', 'status', 'daemonset/proxy', '-n', ns, '--timeout=20s']);
      await settled(ns, 'proxy', 2);
      await eventually(async () => (await client.list<P>(R.pods, ns)).items.length === 2, 10_000, 'old pods gone');
      w.stop();
      assert.equal(w.maxDown(), 0, 'every node kept a ready pod');
      assert.equal(w.maxPodsPerNode(), 2, 'old and new pod side by side');
    } finally {
      await kubelet.stop();
    }
  });

  test('OnDelete: pods change only when deleted', async () => {
    const ns = await namespace('ondelete');
    for (const n of ['od-1', 'od-2']) await node(n, { pool: 'od' });
    const kubelet = startFakeKubelet({ client, namespace: ns });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'od', 'od', { onDelete: true }));
      await settled(ns, 'od', 2);
      await c.kubectl(['set', 'image', 'daemonset/od', 'agent=fluentd:v2', '-n', ns]);
      const ds = await eventually(async () => {
        const x = await getDs(ns, 'od');
        return x.status?.observedGeneration === 2 ? x : undefined;
      }, 10_000, 'generation observed');
      assert.equal(ds.status?.updatedNumberScheduled ?? 0, 0);
      await new Promise((r) => setTimeout(r, 300));
      const before = await podsOf(ns, 'od');
      assert.ok(before.every((p) => (p.spec?.containers as { image: string }[])[0]?.image === 'fluentd:v1'));
      const victim = before.find((p) => p.spec?.nodeName === 'od-1') as P;
      await client.delete(R.pods, ns, victim.metadata?.name ?? '');
      await eventually(async () => {
        const x = await getDs(ns, 'od');
        return x.status?.updatedNumberScheduled === 1 && x.status.numberReady === 2;
      }, 10_000, 'one updated pod');
      const after = (await podsOf(ns, 'od')).find((p) => p.spec?.nodeName === 'od-1') as P;
      assert.equal((after.spec?.containers as { image: string }[])[0]?.image, 'fluentd:v2');
    } finally {
      await kubelet.stop();
    }
  });

  test('a failed daemon pod is deleted with a warning and replaced', async () => {
    const ns = await namespace('failed');
    await node('fail-1', { pool: 'fail' });
    const kubelet = startFakeKubelet({ client, namespace: ns });
    try {
      await client.create(R.daemonsets, ns, daemonSet(ns, 'agent', 'fail'));
      await settled(ns, 'agent', 1);
      const [pod] = await podsOf(ns, 'agent');
      await client.patch(R.pods, ns, pod?.metadata?.name ?? '', { status: { phase: 'Failed' } }, 'merge', { subresource: 'status' });
      await eventually(async () => {
        const ps = await podsOf(ns, 'agent');
        return ps.length === 1 && ps[0]?.metadata?.uid !== pod?.metadata?.uid && isReady(ps[0] as P);
      }, 10_000, 'replacement running');
      const events = (await client.list(R.events, ns)).items.map((e) => `${(e as { reason?: string }).reason} ${(e as { message?: string }).message}`);
      assert.ok(events.includes(`FailedDaemonPod Found failed daemon pod ${ns}/${pod?.metadata?.name} on node fail-1, will try to kill it`), events.join('\n'));
    } finally {
      await kubelet.stop();
    }
  });
});
