// Node lifecycle with sim nodes against a real API server: a stopped node goes Unknown and gets
// the unreachable taints within the grace period; its pods are evicted after their
// tolerationSeconds; when it comes back the taints go. Plus taint-manager eviction on a live node
// and the pod GC of orphans.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { startSimNodes, type SimNodes } from '../../kubelet/runtime/sim/index.js';
import { nodeIpamController } from '../nodeipam/index.js';
import { nodeLifecycleController, podGcControllerWith } from './index.js';
import type { Node, Pod } from './types.js';

const GRACE_MS = 1500;

describe('node lifecycle', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let sim: SimNodes;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [nodeIpamController, nodeLifecycleController, podGcControllerWith({ periodMs: 200 })], {
      config: { nodeMonitorGracePeriodMs: GRACE_MS, nodeMonitorPeriodMs: 100 },
    });
    sim = await startSimNodes({
      client: h.client, nodes: [{ name: 'live' }, { name: 'flaky' }],
      heartbeatMs: 250, podStartDelayMs: 50, terminationGraceCapMs: 100,
    });
  });
  after(async () => {
    await sim?.stop();
    await h?.stop();
    await c?.stop();
  });

  const getNode = (name: string) => h.client.get<Node>(R.nodes, '', name);
  const getPod = (name: string) => h.client.get<Pod>(R.pods, 'default', name);
  const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
  const gone = async (name: string) => { try { await getPod(name); return false; } catch (e) { return (e as { code?: number }).code === 404; } };
  const mkPod = (name: string, nodeName: string, tolerations: unknown[] = []) => h.client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { nodeName, tolerations, terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'nginx' }] },
  });
  const running = (...names: string[]) => eventually(async () => {
    const ps = await Promise.all(names.map(getPod));
    return ps.every((p) => p.status?.phase === 'Running');
  }, 5000, `${names.join(', ')} Running`);

  test('a stopped node goes Unknown with unreachable taints; pods go after their tolerationSeconds; recovery clears it', async () => {
    const unreachable = (seconds?: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
    await mkPod('short', 'flaky', [unreachable(2)]);
    await mkPod('default-tol', 'flaky');
    await mkPod('forever', 'flaky', [unreachable()]);
    await mkPod('bystander', 'live');
    await running('short', 'default-tol', 'forever', 'bystander');
    assert.deepEqual(taintsOf(await getNode('flaky')), []);

    const stoppedAt = Date.now();
    sim.stopNode('flaky');
    const dead = await eventually(async () => {
      const n = await getNode('flaky');
      return taintsOf(n).length === 2 && n;
    }, GRACE_MS + 3000, 'unreachable taints');
    const taintedAfter = Date.now() - stoppedAt;
    assert.ok(taintedAfter >= GRACE_MS - 300, `tainted after ${taintedAfter}ms, grace ${GRACE_MS}ms`);
    assert.deepEqual(taintsOf(dead), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    const ready = dead.status?.conditions?.find((x) => x.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(dead.status?.conditions?.find((x) => x.type === t)?.status, 'Unknown', t);
    const wide = await c.kubectl(['get', 'nodes', '--no-headers']);
    assert.match(wide.stdout, /^flaky\s+NotReady/m);
    assert.match(wide.stdout, /^live\s+Ready/m);
    assert.deepEqual(taintsOf(await getNode('live')), []);

    // kube's MarkPodsNotReady.
    await eventually(async () => (await getPod('default-tol')).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'False', 3000, 'pods NotReady');

    // tolerationSeconds=2: marked for deletion about 2s after the taint, then Terminating (no kubelet finishes it).
    const evicted = await eventually(async () => { const p = await getPod('short'); return p.metadata?.deletionTimestamp ? p : undefined; }, 5000, 'short evicted');
    const evictedAfter = Date.now() - stoppedAt - taintedAfter;
    assert.ok(evictedAfter >= 1500 && evictedAfter < 6000, `evicted ${evictedAfter}ms after the taint`);
    assert.equal(evicted.status?.conditions?.find((x) => x.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    const events = await h.client.list(R.events, 'default');
    assert.ok(events.items.some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Marking for deletion Pod default/short'), 'TaintManagerEviction event');
    assert.ok(events.items.some((e) => e.reason === 'NodeNotReady'), 'NodeNotReady event');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await gone('short'), false, 'stays Terminating while its node is down');
    for (const name of ['default-tol', 'forever']) assert.equal((await getPod(name)).metadata?.deletionTimestamp, undefined, name);

    // The node comes back: Ready, taints gone, its Terminating pod finished, the others Ready again.
    await sim.addNode({ name: 'flaky' });
    await eventually(async () => {
      const n = await getNode('flaky');
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' && taintsOf(n).length === 0;
    }, 5000, 'recovered without taints');
    await eventually(() => gone('short'), 5000, 'short deleted by the revived node');
    await eventually(async () => (await getPod('default-tol')).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True', 5000, 'pods Ready again');
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    assert.deepEqual(taintsOf(await getNode('flaky')), [], 'a heartbeating node stays untainted');
    assert.equal((await getPod('default-tol')).metadata?.deletionTimestamp, undefined);
  });

  test('a NoExecute taint on a live node evicts pods that do not tolerate it at once; cordon adds the unschedulable taint', async () => {
    await mkPod('intolerant', 'live');
    await mkPod('tolerant', 'live', [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute' }]);
    await running('intolerant', 'tolerant');
    await c.kubectl(['taint', 'node', 'live', 'maintenance=now:NoExecute']);
    await eventually(() => gone('intolerant'), 5000, 'intolerant evicted and finished by the sim');
    assert.equal((await getPod('tolerant')).metadata?.deletionTimestamp, undefined);
    await c.kubectl(['taint', 'node', 'live', 'maintenance-']);
    await c.kubectl(['cordon', 'live']);
    await eventually(async () => taintsOf(await getNode('live')).includes('node.kubernetes.io/unschedulable:NoSchedule'), 3000, 'unschedulable taint');
    await c.kubectl(['uncordon', 'live']);
    await eventually(async () => taintsOf(await getNode('live')).length === 0, 3000, 'taint removed');
  });

  test('pod GC force-deletes pods bound to a node that does not exist', async () => {
    await mkPod('orphan', 'ghost');
    await eventually(() => gone('orphan'), GRACE_MS + 4000, 'orphan deleted');
    // A node that exists keeps its pods.
    assert.equal(await gone('tolerant'), false);
  });
});
