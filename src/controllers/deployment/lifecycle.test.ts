// The Deployment controller (with the ReplicaSet controller) against a real API server and the
// real kubectl: pause/resume, rollout restart, Recreate, revisionHistoryLimit, the progress
// deadline, and proportional scaling of a rollout in flight. No kubelet: a test loop marks pods
// ready (../replicaset/test-pods.ts), except pods of images named "never-ready".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../../test/helpers/cluster.js';
import type { Pod } from '../replicaset/index.js';
import { observePods } from '../replicaset/test-pods.js';
import { POD_TEMPLATE_HASH, REVISION } from './index.js';
import { NS, startDeploymentEnv, type DeploymentTestEnv } from './test-env.js';
const imageOf = (p: Pod) => (p.spec?.containers as { image: string }[] | undefined)?.[0]?.image ?? '';

function deploymentManifest(name: string, spec: Record<string, unknown>, image = 'busybox:1.36'): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS },
    spec: {
      replicas: 3, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...spec,
    },
  });
}

describe('deployment lifecycle', () => {
  let env: DeploymentTestEnv;
  before(async () => { env = await startDeploymentEnv({ delayMs: 50, filter: (p) => !imageOf(p).startsWith('never-ready') }); });
  after(async () => { await env?.stop(); });

  const kubectl = (args: string[]) => env.c.kubectl(args);
  const apply = (yaml: string) => env.c.kubectl(['apply', '-f', '-'], { input: yaml });
  const getD = (name: string) => env.getD(name);
  const rsOf = (app: string) => env.rsOf(app);
  const activePods = (app: string) => env.activePods(app);
  const rolledOut = (name: string) => env.rolledOut(name);
  const progressing = async (name: string) => (await getD(name)).status?.conditions?.find((x) => x.type === 'Progressing');
  const scalingEvents = async (name: string) => (await env.events(name)).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);

  test('pause: a template change waits, with Progressing DeploymentPaused; resume rolls it out', async () => {
    await apply(deploymentManifest('paused', {}));
    await rolledOut('paused');
    await kubectl(['rollout', 'pause', 'deployment/paused']);
    await eventually(async () => (await progressing('paused'))?.reason === 'DeploymentPaused', 10_000, 'DeploymentPaused');
    const cond = await progressing('paused');
    assert.equal(cond?.status, 'Unknown');
    assert.equal(cond?.message, 'Deployment is paused');
    await kubectl(['set', 'image', 'deployment/paused', 'app=busybox:1.37']);
    await eventually(async () => {
      const d = await getD('paused');
      return (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    }, 10_000, 'paused change observed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rsOf('paused')).length, 1, 'no new ReplicaSet while paused');
    assert.ok((await activePods('paused')).every((p) => imageOf(p) === 'busybox:1.36'));
    // Scaling still works while paused.
    await kubectl(['scale', 'deployment/paused', '--replicas=4']);
    await eventually(async () => (await activePods('paused')).length === 4, 10_000, '4 pods while paused');
    await kubectl(['rollout', 'resume', 'deployment/paused']);
    await rolledOut('paused');
    const pods = await activePods('paused');
    assert.equal(pods.length, 4);
    assert.ok(pods.every((p) => imageOf(p) === 'busybox:1.37'));
    assert.equal((await getD('paused')).metadata?.annotations?.[REVISION], '2');
    assert.equal((await progressing('paused'))?.reason, 'NewReplicaSetAvailable');
  });

  test('kubectl rollout restart: a new ReplicaSet with restartedAt, every pod replaced', async () => {
    await apply(deploymentManifest('restart', {}));
    await rolledOut('restart');
    const before = new Set((await activePods('restart')).map((p) => p.metadata?.name));
    await kubectl(['rollout', 'restart', 'deployment/restart']);
    await rolledOut('restart');
    const rss = await rsOf('restart');
    assert.equal(rss.length, 2);
    const newRs = rss.find((rs) => rs.metadata?.annotations?.[REVISION] === '2');
    assert.ok(newRs?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const after = await eventually(async () => {
      const ps = await activePods('restart');
      return ps.length === 3 ? ps : undefined;
    }, 10_000, '3 pods');
    assert.ok(after.every((p) => !before.has(p.metadata?.name) && p.metadata?.labels?.[POD_TEMPLATE_HASH] === newRs?.metadata?.labels?.[POD_TEMPLATE_HASH]));
  });

  test('Recreate: every old pod is gone before any new pod exists', async () => {
    await apply(deploymentManifest('recreate', { strategy: { type: 'Recreate' } }));
    await rolledOut('recreate');
    let mixed = false;
    let emptied = false;
    const observer = await observePods(env.h.client, NS, 'app=recreate', (pods) => {
      const images = new Set([...pods.values()].map(imageOf));
      if (images.size > 1) mixed = true;
      if (pods.size === 0) emptied = true;
    });
    try {
      await kubectl(['set', 'image', 'deployment/recreate', 'app=busybox:1.37']);
      await rolledOut('recreate');
    } finally {
      await observer.stop();
    }
    assert.equal(mixed, false, 'old and new pods never coexisted');
    assert.equal(emptied, true, 'the old pods were all gone first');
    const pods = await activePods('recreate');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => imageOf(p) === 'busybox:1.37'));
    const msgs = await scalingEvents('recreate');
    const rss = await rsOf('recreate');
    const oldName = rss.find((rs) => rs.metadata?.annotations?.[REVISION] === '1')?.metadata?.name;
    const newName = rss.find((rs) => rs.metadata?.annotations?.[REVISION] === '2')?.metadata?.name;
    const down = msgs.indexOf(`Scaled down replica set ${oldName} from 3 to 0`);
    const up = msgs.indexOf(`Scaled up replica set ${newName} from 0 to 3`);
    assert.ok(down >= 0 && up >= 0, msgs.join('\n'));
  });

  test('revisionHistoryLimit: only that many old ReplicaSets are kept', async () => {
    await apply(deploymentManifest('history', { revisionHistoryLimit: 1 }));
    await rolledOut('history');
    for (const tag of ['1.37', '1.38', '1.39']) {
      await kubectl(['set', 'image', 'deployment/history', `app=busybox:${tag}`]);
      await rolledOut('history');
    }
    const rss = await eventually(async () => {
      const list = await rsOf('history');
      return list.length === 2 ? list : undefined;
    }, 10_000, 'two ReplicaSets left');
    assert.deepEqual(rss.map((rs) => rs.metadata?.annotations?.[REVISION]).sort(), ['3', '4']);
    const history = await kubectl(['rollout', 'history', 'deployment/history']);
    assert.match(history.stdout, /^3\s+/m);
    assert.match(history.stdout, /^4\s+/m);
    assert.doesNotMatch(history.stdout, /^[12]\s+/m);
  });

  test('progressDeadlineSeconds: no progress turns Progressing False and rollout status fails', async () => {
    await apply(deploymentManifest('stuck', { replicas: 2, progressDeadlineSeconds: 1 }, 'never-ready:1'));
    const cond = await eventually(async () => {
      const x = await progressing('stuck');
      return x?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 10_000, 'ProgressDeadlineExceeded');
    const rs = (await rsOf('stuck'))[0];
    assert.equal(cond.status, 'False');
    assert.equal(cond.message, `ReplicaSet "${rs?.metadata?.name}" has timed out progressing.`);
    const avail = (await getD('stuck')).status?.conditions?.find((x) => x.type === 'Available');
    assert.equal(avail?.status, 'False');
    assert.equal(avail?.reason, 'MinimumReplicasUnavailable');
    assert.equal(avail?.message, 'Deployment does not have minimum availability.');
    const out = await env.c.kubectlRaw(['rollout', 'status', 'deployment/stuck', '--timeout=10s']);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /exceeded its progress deadline/);
  });

  test('scaling a Deployment mid-rollout scales its ReplicaSets in proportion', async () => {
    await apply(deploymentManifest('prop', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await rolledOut('prop');
    await kubectl(['set', 'image', 'deployment/prop', 'app=never-ready:2']);
    // New pods never get ready: the rollout stops at old 8 + new 5 (13 = 10 + maxSurge, 8 = 10 - maxUnavailable).
    const sizes = async () => {
      const rss = await rsOf('prop');
      const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata?.annotations?.[REVISION], rs]));
      return byRev;
    };
    await eventually(async () => {
      const s = await sizes();
      return s['1']?.spec?.replicas === 8 && s['2']?.spec?.replicas === 5;
    }, 10_000, 'rollout stuck at 8 + 5');
    await kubectl(['scale', 'deployment/prop', '--replicas=20']);
    // 10 more within 23 = 20 + 3: 8 * 23/13 → 14 and 5 * 23/13 → 9.
    await eventually(async () => {
      const s = await sizes();
      return s['1']?.spec?.replicas === 14 && s['2']?.spec?.replicas === 9;
    }, 10_000, 'proportional scale to 14 + 9');
    const s = await sizes();
    const msgs = await scalingEvents('prop');
    assert.ok(msgs.includes(`Scaled up replica set ${s['1']?.metadata?.name} from 8 to 14`), msgs.join('\n'));
    assert.ok(msgs.includes(`Scaled up replica set ${s['2']?.metadata?.name} from 5 to 9`), msgs.join('\n'));
    assert.equal(s['1']?.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '23');
    assert.equal(s['2']?.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '20');
  });

  test('a ReplicaSet the selector matches is adopted and, having the same template, becomes revision 1', async () => {
    const template = { metadata: { labels: { app: 'adopt', [POD_TEMPLATE_HASH]: 'old' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } };
    await apply(JSON.stringify({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'adopt-old', namespace: NS, labels: template.metadata.labels },
      spec: { replicas: 3, selector: { matchLabels: template.metadata.labels }, template },
    }));
    await eventually(async () => (await rsOf('adopt'))[0]?.status?.availableReplicas === 3, 10_000, 'orphan ReplicaSet available');
    const podsBefore = (await activePods('adopt')).map((p) => p.metadata?.name).sort();
    await apply(deploymentManifest('adopt', {}));
    await rolledOut('adopt');
    const rss = await rsOf('adopt');
    assert.equal(rss.length, 1, 'no second ReplicaSet');
    const d = await getD('adopt');
    assert.equal(rss[0]!.metadata?.ownerReferences?.[0]?.uid, d.metadata?.uid);
    assert.equal(rss[0]!.metadata?.annotations?.[REVISION], '1');
    assert.deepEqual((await activePods('adopt')).map((p) => p.metadata?.name).sort(), podsBefore, 'the pods stay');
  });

  test('a ReplicaSet that cannot create pods shows as the Deployment\'s ReplicaFailure condition', async () => {
    await apply(JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'failing', namespace: NS },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'failing' } },
        template: { metadata: { labels: { app: 'failing' }, finalizers: ['not a valid finalizer!'] }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
      },
    }));
    const cond = await eventually(async () => (await getD('failing')).status?.conditions?.find((x) => x.type === 'ReplicaFailure'), 10_000, 'ReplicaFailure');
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(cond.message ?? '', /finalizers/);
  });
});
