// The Deployment controller (with the ReplicaSet controller) against a real API server and the
// real kubectl: create, scale, rolling update observed pod by pod, rollout status / history /
// undo. No kubelet: a test loop marks pods ready (../replicaset/test-pods.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../../test/helpers/cluster.js';
import { isPodActive, isPodReady, type Pod } from '../replicaset/index.js';
import { observePods } from '../replicaset/test-pods.js';
import { POD_TEMPLATE_HASH, REVISION } from './index.js';
import { NS, startDeploymentEnv, type DeploymentTestEnv } from './test-env.js';

const imageOf = (p: Pod) => (p.spec?.containers as { image: string }[] | undefined)?.[0]?.image ?? '';

describe('deployment controller', () => {
  let env: DeploymentTestEnv;
  // Pods get ready 150ms after they appear, so that a rollout has surge and unavailability to show.
  before(async () => { env = await startDeploymentEnv({ delayMs: 150 }); });
  after(async () => { await env?.stop(); });

  const kubectl = (args: string[], o?: { input?: string }) => env.c.kubectl(args, o);
  const getD = (name: string) => env.getD(name);
  const rsOf = (app: string) => env.rsOf(app);
  const rsByRevision = (app: string) => env.rsByRevision(app);
  const activePods = (app: string) => env.activePods(app);
  const eventsOf = (name: string) => env.events(name);
  const rolledOut = (name: string) => env.rolledOut(name);

  test('kubectl create deployment: a ReplicaSet with the template hash, 3 pods, rollout status succeeds', async () => {
    await kubectl(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=3']);
    const out = await rolledOut('web');
    assert.match(out.stdout, /deployment "web" successfully rolled out/);
    const d = await getD('web');
    const rss = await rsOf('web');
    assert.equal(rss.length, 1);
    const rs = rss[0]!;
    const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.equal(rs.metadata?.name, `web-${hash}`);
    assert.deepEqual(rs.spec?.selector, { matchLabels: { app: 'web', [POD_TEMPLATE_HASH]: hash } });
    assert.equal(rs.metadata?.annotations?.[REVISION], '1');
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(rs.metadata?.ownerReferences?.[0]?.uid, d.metadata?.uid);
    assert.equal(d.metadata?.annotations?.[REVISION], '1');
    const pods = await activePods('web');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH] === hash && (p.metadata?.name ?? '').startsWith(`web-${hash}-`)));
    const st = d.status!;
    assert.deepEqual([st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas, st.unavailableReplicas ?? 0], [3, 3, 3, 3, 0]);
    assert.equal(st.observedGeneration, d.metadata?.generation);
    const conds = Object.fromEntries((st.conditions ?? []).map((x) => [x.type, x]));
    assert.equal(conds.Available?.reason, 'MinimumReplicasAvailable');
    assert.equal(conds.Available?.message, 'Deployment has minimum availability.');
    assert.equal(conds.Progressing?.reason, 'NewReplicaSetAvailable');
    assert.equal(conds.Progressing?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    const evs = await eventsOf('web');
    assert.ok(evs.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 3`), JSON.stringify(evs));
    const table = await kubectl(['get', 'deployment', 'web', '--no-headers']);
    assert.match(table.stdout, /^web\s+3\/3\s+3\s+3\s+/);
  });

  test('kubectl scale to 10 and back to 3', async () => {
    const [rs] = await rsOf('web');
    const name = rs!.metadata?.name ?? '';
    await kubectl(['scale', 'deployment/web', '--replicas=10']);
    await rolledOut('web');
    assert.equal((await activePods('web')).length, 10);
    assert.equal((await getD('web')).status?.availableReplicas, 10);
    await kubectl(['scale', 'deployment/web', '--replicas=3']);
    await rolledOut('web');
    await eventually(async () => (await activePods('web')).length === 3, 10_000, '3 pods');
    const rss = await rsOf('web');
    assert.equal(rss.length, 1, 'scaling makes no new ReplicaSet');
    assert.equal(rss[0]!.spec?.replicas, 3);
    assert.equal(rss[0]!.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    const msgs = (await eventsOf('web')).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    assert.ok(msgs.includes(`Scaled up replica set ${name} from 3 to 10`), msgs.join('\n'));
    assert.ok(msgs.includes(`Scaled down replica set ${name} from 10 to 3`), msgs.join('\n'));
  });

  test('kubectl set image: rolling update within maxSurge and maxUnavailable, observed pod by pod', async () => {
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'roll', namespace: NS },
        spec: {
          replicas: 6, selector: { matchLabels: { app: 'roll' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: '20%' } }, // surge 3 (rounded up), unavailable 1 (rounded down)
          template: { metadata: { labels: { app: 'roll' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } },
        },
      }),
    });
    await rolledOut('roll');
    let minAvailable = Infinity;
    let maxTotal = 0;
    let states = 0;
    const hashes = new Set<string>();
    const observer = await observePods(env.h.client, NS, 'app=roll', (pods) => {
      const active = [...pods.values()].filter(isPodActive);
      minAvailable = Math.min(minAvailable, active.filter(isPodReady).length);
      maxTotal = Math.max(maxTotal, active.length);
      for (const p of active) hashes.add(p.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '');
      states++;
    });
    try {
      await kubectl(['set', 'image', 'deployment/roll', 'app=busybox:1.37']);
      // Annotated after the template change, so it lands on the new revision only (as on kube).
      await kubectl(['annotate', 'deployment/roll', 'kubernetes.io/change-cause=image 1.37']);
      const out = await rolledOut('roll');
      assert.match(out.stdout, /successfully rolled out/);
    } finally {
      await observer.stop();
    }
    assert.ok(states > 12, `saw the rollout go by (${states} states)`);
    assert.equal(hashes.size, 2, 'old and new pods both seen');
    assert.ok(minAvailable >= 5, `available pods never below replicas - maxUnavailable = 5 (saw ${minAvailable})`);
    assert.ok(maxTotal <= 9, `pods never above replicas + maxSurge = 9 (saw ${maxTotal})`);
    assert.ok(maxTotal > 6, `the surge was used (saw ${maxTotal})`);
    const pods = await activePods('roll');
    assert.equal(pods.length, 6);
    assert.ok(pods.every((p) => imageOf(p) === 'busybox:1.37'));
    const byRev = await rsByRevision('roll');
    assert.equal(byRev['1']?.spec?.replicas, 0);
    assert.equal(byRev['2']?.spec?.replicas, 6);
    assert.equal(byRev['2']?.metadata?.annotations?.['kubernetes.io/change-cause'], 'image 1.37');
    assert.equal((await getD('roll')).metadata?.annotations?.[REVISION], '2');
    const d = await getD('roll');
    assert.deepEqual([d.status?.replicas, d.status?.updatedReplicas, d.status?.availableReplicas], [6, 6, 6]);
    const history = await kubectl(['rollout', 'history', 'deployment/roll']);
    assert.match(history.stdout, /REVISION\s+CHANGE-CAUSE/);
    assert.match(history.stdout, /^1\s+<none>$/m);
    assert.match(history.stdout, /^2\s+image 1\.37$/m);
  });

  test('kubectl rollout undo: the old ReplicaSet becomes new again with the next revision', async () => {
    const before = await rsByRevision('roll');
    const firstName = before['1']!.metadata?.name;
    await kubectl(['rollout', 'undo', 'deployment/roll']);
    await rolledOut('roll');
    const after = await rsByRevision('roll');
    assert.deepEqual(Object.keys(after).sort(), ['2', '3']);
    assert.equal(after['3']!.metadata?.name, firstName, 'the revision-1 ReplicaSet is reused');
    assert.equal(after['3']!.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(after['3']!.spec?.replicas, 6);
    assert.equal(after['2']!.spec?.replicas, 0);
    const pods = await eventually(async () => {
      const ps = await activePods('roll');
      return ps.length === 6 && ps.every((p) => imageOf(p) === 'busybox:1.36') ? ps : undefined;
    }, 10_000, 'pods back on busybox:1.36');
    assert.ok(pods.every((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH] === after['3']!.metadata?.labels?.[POD_TEMPLATE_HASH]));
    assert.equal((await getD('roll')).metadata?.annotations?.[REVISION], '3');
    const history = await kubectl(['rollout', 'history', 'deployment/roll']);
    assert.match(history.stdout, /^2\s+image 1\.37$/m);
    assert.match(history.stdout, /^3\s+/m);
    assert.doesNotMatch(history.stdout, /^1\s+/m);
    const rev2 = await kubectl(['rollout', 'history', 'deployment/roll', '--revision=2']);
    assert.match(rev2.stdout, /busybox:1\.37/);
  });
});
