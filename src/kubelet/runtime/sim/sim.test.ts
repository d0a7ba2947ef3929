// Sim nodes against a real API server: registration, heartbeats, pods run, finish and go.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../../test/helpers/controllers.js';
import { R } from '../../../client/index.js';
import type { KubeObject } from '../../../machinery/object.js';
import { nodeIpamController } from '../../../controllers/nodeipam/index.js';
import { offsetOf, parseCidr } from '../../../controllers/nodeipam/cidr.js';
import { startSimNodes, type SimNodes, type SimPod } from './index.js';

interface NodeView extends KubeObject {
  spec?: { podCIDR?: string; taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; nodeInfo?: Record<string, string>; capacity?: Record<string, string>; addresses?: { type: string; address: string }[] };
}

describe('sim nodes', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let sim: SimNodes;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [nodeIpamController]);
    sim = await startSimNodes({
      client: h.client,
      nodes: [
        { name: 'sim-a', cpu: '8', memory: '32Gi', pods: 50, labels: { pool: 'blue' } },
        { name: 'sim-b', taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
      ],
      heartbeatMs: 300, podStartDelayMs: 100, terminationGraceCapMs: 200, crashLoopBackoffMs: 200,
    });
  });
  after(async () => {
    await sim?.stop();
    await h?.stop();
    await c?.stop();
  });

  const pod = async (ns: string, name: string) => (await h.client.get<SimPod>(R.pods, ns, name));
  const podSpec = (name: string, extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...extra },
  });

  test('nodes register Ready, with capacity, labels, taints, a podCIDR and a renewed Lease', async () => {
    const out = await c.kubectl(['get', 'nodes', '--no-headers']);
    const lines = out.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(lines.map((l) => [l[0], l[1]]), [['sim-a', 'Ready'], ['sim-b', 'Ready']]);
    assert.ok(lines.every((l) => l[4] === 'v1.32.0-k8ts'), out.stdout);
    const a = await h.client.get<NodeView>(R.nodes, '', 'sim-a');
    assert.equal(a.metadata?.labels?.['kubernetes.io/hostname'], 'sim-a');
    assert.equal(a.metadata?.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(a.metadata?.labels?.pool, 'blue');
    assert.equal(a.status?.capacity?.cpu, '8');
    assert.equal(a.status?.capacity?.pods, '50');
    assert.match(a.status?.nodeInfo?.containerRuntimeVersion ?? '', /^sim:\/\//);
    assert.equal(a.status?.addresses?.[0]?.type, 'InternalIP');
    const ready = a.status?.conditions?.find((x) => x.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['True', 'KubeletReady', 'kubelet is posting ready status']);
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(a.status?.conditions?.find((x) => x.type === t)?.status, 'False', t);
    const b = await h.client.get<NodeView>(R.nodes, '', 'sim-b');
    assert.deepEqual(b.spec?.taints?.map((t) => `${t.key}:${t.effect}`), ['dedicated:NoSchedule']);
    const cidrs = await eventually(async () => {
      const ns = await Promise.all(['sim-a', 'sim-b'].map((n) => h.client.get<NodeView>(R.nodes, '', n)));
      return ns.every((n) => n.spec?.podCIDR) && ns.map((n) => n.spec?.podCIDR);
    }, 5000, 'podCIDRs');
    assert.notEqual(cidrs[0], cidrs[1]);
    const lease1 = await h.client.get<KubeObject & { spec?: { renewTime?: string; holderIdentity?: string; leaseDurationSeconds?: number } }>(R.leases, 'kube-node-lease', 'sim-a');
    assert.equal(lease1.spec?.holderIdentity, 'sim-a');
    assert.equal(lease1.spec?.leaseDurationSeconds, 1);
    await eventually(async () => (await h.client.get<typeof lease1>(R.leases, 'kube-node-lease', 'sim-a')).spec?.renewTime !== lease1.spec?.renewTime, 3000, 'lease renewal');
  });

  test('a pod bound to a sim node goes Running with an IP from the podCIDR; kubectl delete completes', async () => {
    await eventually(async () => (await h.client.get<NodeView>(R.nodes, '', 'sim-a')).spec?.podCIDR, 5000, 'podCIDR');
    const node = await h.client.get<NodeView>(R.nodes, '', 'sim-a');
    await h.client.create(R.pods, 'default', podSpec('web', { nodeName: 'sim-a', initContainers: [{ name: 'init', image: 'busybox' }] }));
    const p = await eventually(async () => { const x = await pod('default', 'web'); return x.status?.phase === 'Running' && x; }, 5000, 'Running');
    assert.ok(offsetOf(parseCidr(node.spec?.podCIDR ?? ''), p.status?.podIP ?? '') !== undefined, `${p.status?.podIP} in ${node.spec?.podCIDR}`);
    assert.equal(p.status?.hostIP, node.status?.addresses?.[0]?.address);
    assert.ok(p.status?.startTime);
    const cs = p.status?.containerStatuses?.[0];
    assert.equal(cs?.ready, true);
    assert.ok(cs?.state?.running?.startedAt);
    assert.match(cs?.containerID ?? '', /^sim:\/\/[0-9a-f]{64}$/);
    assert.match(cs?.imageID ?? '', /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    const conds = Object.fromEntries((p.status?.conditions ?? []).map((x) => [x.type, x.status]));
    for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(conds[t], 'True', t);
    const out = await c.kubectl(['get', 'pod', 'web', '--no-headers']);
    assert.match(out.stdout, /web\s+1\/1\s+Running\s+0/);
    const t0 = Date.now();
    await c.kubectl(['delete', 'pod', 'web']); // waits until the pod is gone
    assert.ok(Date.now() - t0 < 10_000);
    await assert.rejects(pod('default', 'web'), (e: { code?: number }) => e.code === 404);
  });

  test('a pod bound through pods/binding runs; a pod on a node that is not ours is left alone', async () => {
    await h.client.create(R.pods, 'default', podSpec('bound'));
    await h.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'sim-b' } }, { subresource: 'binding' });
    await eventually(async () => (await pod('default', 'bound')).status?.phase === 'Running', 5000, 'bound pod Running');
    await h.client.create(R.pods, 'default', podSpec('elsewhere', { nodeName: 'not-a-sim-node' }));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await pod('default', 'elsewhere')).status?.phase, 'Pending');
  });

  test('run-for ends Never pods Succeeded, exit-code fails them; OnFailure restarts through CrashLoopBackOff', async () => {
    await h.client.create(R.pods, 'default', podSpec('ok', { nodeName: 'sim-a', restartPolicy: 'Never' }, { 'sim.k8ts.io/run-for': '300ms' }));
    await h.client.create(R.pods, 'default', podSpec('bad', { nodeName: 'sim-a', restartPolicy: 'Never' }, { 'sim.k8ts.io/run-for': '300ms', 'sim.k8ts.io/exit-code': '3' }));
    await h.client.create(R.pods, 'default', podSpec('flaky', { nodeName: 'sim-b', restartPolicy: 'OnFailure' }, { 'sim.k8ts.io/run-for': '200ms', 'sim.k8ts.io/exit-code': '1' }));
    const ok = await eventually(async () => { const x = await pod('default', 'ok'); return x.status?.phase === 'Succeeded' && x; }, 5000, 'Succeeded');
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(ok.status?.conditions?.find((x) => x.type === 'Ready')?.reason, 'PodCompleted');
    const bad = await eventually(async () => { const x = await pod('default', 'bad'); return x.status?.phase === 'Failed' && x; }, 5000, 'Failed');
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
    await eventually(async () => (await pod('default', 'flaky')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 5000, 'CrashLoopBackOff');
    const again = await eventually(async () => { const x = await pod('default', 'flaky'); const s = x.status?.containerStatuses?.[0]; return s?.state?.running && (s.restartCount ?? 0) >= 1 && x; }, 5000, 'restarted');
    assert.equal(again.status?.phase, 'Running');
    assert.equal(again.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
  });

  test('stopNode stops the Lease; addNode brings the node back with the same pods', async () => {
    const renew = async () => (await h.client.get<KubeObject & { spec?: { renewTime?: string } }>(R.leases, 'kube-node-lease', 'sim-b')).spec?.renewTime;
    sim.stopNode('sim-b');
    assert.deepEqual(sim.nodeNames(), ['sim-a']);
    await new Promise((r) => setTimeout(r, 400));
    const frozen = await renew();
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await renew(), frozen, 'no renewals while stopped');
    await sim.addNode({ name: 'sim-b' });
    await eventually(async () => (await renew()) !== frozen, 3000, 'renewals resume');
    await assert.rejects(sim.addNode({ name: 'sim-b' }), /already running/);
  });
});
