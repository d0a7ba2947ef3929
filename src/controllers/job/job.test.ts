// The Job controller against a real API server and the real kubectl. No kubelet: the tests play
// its part by writing pod status (test-pods.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { jobControllerWith, ttlAfterFinishedController, JOB_TRACKING_FINALIZER, type Job } from './index.js';
import { podIsActive, podsOfJob, simulatePod } from './test-pods.js';

const NS = 'default';
const BACKOFF_BASE_MS = 300;

function jobYaml(name: string, spec: Record<string, unknown>, podSpec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NS },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }], ...podSpec } },
    },
  });
}

describe('job controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [jobControllerWith({ batchPeriodMs: 20, retryBaseMs: 20 }), ttlAfterFinishedController], {
      config: { jobBackoffBaseMs: BACKOFF_BASE_MS },
    });
  });
  after(async () => {
    await h?.stop();
    await c?.stop();
  });

  const getJob = (name: string) => h.client.get<Job>(R.jobs, NS, name);
  const condition = (j: Job, type: string) => j.status?.conditions?.find((x) => x.type === type && x.status === 'True');
  const eventsOf = async (name: string) => {
    const list = await h.client.list(R.events, NS, { fieldSelector: `involvedObject.name=${name}` });
    return list.items.map((e) => ({ type: (e as { type?: string }).type, reason: (e as { reason?: string }).reason, message: (e as { message?: string }).message }));
  };
  const apply = (yaml: string) => c.kubectl(['apply', '-f', '-'], { input: yaml });
  /** Waits for `n` active pods of the job and returns them. */
  const activePods = (name: string, n: number) => eventually(async () => {
    const ps = (await podsOfJob(h.client, NS, name)).filter(podIsActive);
    return ps.length === n ? ps : undefined;
  }, 10_000, `${n} active pods of ${name}`);

  test('completions=5 parallelism=2: never more than 2 active, completes, counts survive pod deletion', async () => {
    await apply(jobYaml('five', { completions: 5, parallelism: 2 }));
    let maxActive = 0;
    let maxStatusActive = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ps = (await podsOfJob(h.client, NS, 'five')).filter(podIsActive);
        maxActive = Math.max(maxActive, ps.length);
        maxStatusActive = Math.max(maxStatusActive, (await getJob('five')).status?.active ?? 0);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    try {
      let done = 0;
      while (done < 5) {
        const want = Math.min(2, 5 - done);
        const ps = await activePods('five', want);
        // Finish one at a time so that the controller has to replace pods.
        const p = ps[0] as KubeObject;
        await simulatePod(h.client, NS, p.metadata?.name ?? '', 'Running');
        await simulatePod(h.client, NS, p.metadata?.name ?? '', 'Succeeded');
        done++;
        await eventually(async () => ((await getJob('five')).status?.succeeded ?? 0) >= done, 5000, `${done} succeeded`);
      }
      await c.kubectl(['wait', '--for=condition=complete', 'job/five', '--timeout=20s']);
    } finally {
      sampling = false;
      await sampler;
    }
    assert.ok(maxActive <= 2, `saw ${maxActive} active pods`);
    assert.ok(maxStatusActive <= 2, `status.active reached ${maxStatusActive}`);

    const job = await getJob('five');
    assert.equal(job.status?.succeeded, 5);
    assert.equal(job.status?.failed, undefined);
    assert.equal(job.status?.active, undefined);
    assert.ok(job.status?.startTime && job.status.completionTime);
    assert.deepEqual(job.status?.uncountedTerminatedPods, {});
    assert.equal(condition(job, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
    assert.equal(condition(job, 'Complete')?.message, 'Reached expected number of succeeded pods');

    const pods = await podsOfJob(h.client, NS, 'five');
    assert.equal(pods.length, 5);
    const uid = job.metadata?.uid ?? '';
    for (const p of pods) {
      const labels = p.metadata?.labels ?? {};
      assert.equal(labels['batch.kubernetes.io/controller-uid'], uid);
      assert.equal(labels['controller-uid'], uid);
      assert.equal(labels['batch.kubernetes.io/job-name'], 'five');
      assert.equal(labels['job-name'], 'five');
      assert.deepEqual(p.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['Job', 'five', true, true]]);
      assert.ok(!(p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER), 'finalizer removed once counted');
      assert.match(p.metadata?.name ?? '', /^five-[a-z0-9]{5}$/);
    }
    const events = await eventsOf('five');
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate' && /^Created pod: five-/.test(e.message ?? '')).length, 5);
    assert.ok(events.some((e) => e.type === 'Normal' && e.reason === 'Completed' && e.message === 'Job completed'));

    const table = await c.kubectl(['get', 'job', 'five', '--no-headers']);
    assert.match(table.stdout, /^five\s+Complete\s+5\/5/);

    // Counts live in the Job, not in the pods.
    await c.kubectl(['delete', 'pods', '-l', 'job-name=five', '--wait=true']);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await getJob('five')).status?.succeeded, 5);
  });

  test('a pod with the finalizer is kept until counted; active pods carry it', async () => {
    await apply(jobYaml('fin', { completions: 1 }));
    const [p] = await activePods('fin', 1);
    assert.ok(p?.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER));
    // Deleting a running pod: it stays (finalizer) until the Job counted it as failed, then a replacement comes.
    await c.kubectl(['delete', 'pod', p?.metadata?.name ?? '', '--wait=false']);
    const replacement = await activePods('fin', 1);
    assert.notEqual(replacement[0]?.metadata?.name, p?.metadata?.name);
    await eventually(async () => (await getJob('fin')).status?.failed === 1, 5000, 'failed=1');
    await eventually(async () => !(await podsOfJob(h.client, NS, 'fin')).some((x) => x.metadata?.name === p?.metadata?.name), 5000, 'deleted pod gone');
    await simulatePod(h.client, NS, replacement[0]?.metadata?.name ?? '', 'Succeeded');
    await c.kubectl(['wait', '--for=condition=complete', 'job/fin', '--timeout=10s']);
  });

  test('backoffLimit exceeded: exponential delay between replacements, then Failed / BackoffLimitExceeded', async () => {
    await apply(jobYaml('flaky', { backoffLimit: 2 }));
    const seen = new Set<string>();
    const gaps: number[] = [];
    let failedAt = 0;
    for (let i = 0; i < 3; i++) {
      const [p] = await activePods('flaky', 1);
      const name = p?.metadata?.name ?? '';
      assert.ok(!seen.has(name));
      seen.add(name);
      if (failedAt) gaps.push(Date.now() - failedAt);
      await simulatePod(h.client, NS, name, 'Failed', { exitCode: 2 });
      failedAt = Date.now();
    }
    await c.kubectl(['wait', '--for=condition=failed', 'job/flaky', '--timeout=10s']);
    // 1st failure: base, 2nd: 2·base (the test observes creation a little late, never early).
    assert.ok((gaps[0] ?? 0) >= BACKOFF_BASE_MS - 50, `first gap ${gaps[0]}ms`);
    assert.ok((gaps[1] ?? 0) >= 2 * BACKOFF_BASE_MS - 50, `second gap ${gaps[1]}ms`);
    const job = await getJob('flaky');
    assert.equal(job.status?.failed, 3);
    assert.equal(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(job, 'FailureTarget')?.message, 'Job has reached the specified backoff limit');
    assert.equal(job.status?.completionTime, undefined);
    assert.equal((await podsOfJob(h.client, NS, 'flaky')).length, 3, 'no pod after the limit');
    const events = await eventsOf('flaky');
    assert.ok(events.some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded' && e.message === 'Job has reached the specified backoff limit'));
  });

  test('Indexed: one pod per index with annotation, label, hostname and env; completedIndexes', async () => {
    await apply(jobYaml('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await activePods('idx', 3);
    const byIndex = new Map(pods.map((p) => [p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    for (const [ix, p] of byIndex) {
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.spec?.hostname, `idx-${ix}`);
      assert.match(p.metadata?.name ?? '', new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
      const env = p.spec?.containers?.[0]?.env ?? [];
      assert.deepEqual(env.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom,
        { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } });
    }
    await simulatePod(h.client, NS, byIndex.get('1')?.metadata?.name ?? '', 'Succeeded');
    await eventually(async () => (await getJob('idx')).status?.completedIndexes === '1', 5000, 'completedIndexes 1');
    // A failed index is retried with a new pod for the same index.
    await simulatePod(h.client, NS, byIndex.get('0')?.metadata?.name ?? '', 'Failed');
    const again = await eventually(async () => (await podsOfJob(h.client, NS, 'idx')).filter(podIsActive)
      .find((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '0'), 5000, 'index 0 recreated');
    await simulatePod(h.client, NS, again.metadata?.name ?? '', 'Succeeded');
    await simulatePod(h.client, NS, byIndex.get('2')?.metadata?.name ?? '', 'Succeeded');
    await c.kubectl(['wait', '--for=condition=complete', 'job/idx', '--timeout=10s']);
    const job = await getJob('idx');
    assert.equal(job.status?.completedIndexes, '0-2');
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.failed, 1);
  });

  test('activeDeadlineSeconds: active pods are killed and the Job fails with DeadlineExceeded', async () => {
    await apply(jobYaml('slow', { parallelism: 2, completions: 4, activeDeadlineSeconds: 1 }));
    // The deadline may pass before a poll sees both pods (a loaded machine): the events say they ran.
    await c.kubectl(['wait', '--for=condition=failed', 'job/slow', '--timeout=10s']);
    await eventually(async () => (await eventsOf('slow')).filter((e) => e.reason === 'SuccessfulCreate').length === 2, 5000, 'two pods (parallelism 2) created');
    const job = await getJob('slow');
    // Times are whole seconds in the API, as in kube: the deadline is measured from status.startTime.
    const target = job.status?.conditions?.find((x) => x.type === 'FailureTarget');
    assert.ok(Date.parse(target?.lastTransitionTime ?? '') - Date.parse(job.status?.startTime ?? '') >= 1000, 'not before the deadline');
    assert.equal(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(job, 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal(job.status?.failed, 2);
    assert.equal(job.status?.active, undefined);
    await eventually(async () => (await podsOfJob(h.client, NS, 'slow')).length === 0, 5000, 'pods deleted');
    const events = await eventsOf('slow');
    assert.ok(events.some((e) => e.type === 'Warning' && e.reason === 'DeadlineExceeded'));
  });

  test('ttlSecondsAfterFinished deletes the finished Job', async () => {
    await apply(jobYaml('short-lived', { ttlSecondsAfterFinished: 1 }));
    const [p] = await activePods('short-lived', 1);
    await simulatePod(h.client, NS, p?.metadata?.name ?? '', 'Succeeded');
    const complete = await eventually(async () => condition(await getJob('short-lived'), 'Complete'), 5000, 'Complete');
    await eventually(async () => (await c.kubectlRaw(['get', 'job', 'short-lived'])).stderr.includes('NotFound'), 5000, 'job deleted');
    // Not before the TTL, counted from the Complete condition (whole seconds, as kube stores it).
    assert.ok(Date.now() >= Date.parse(complete.lastTransitionTime ?? '') + 1000);
  });

  test('suspend: no pods while suspended; resuming starts them', async () => {
    await apply(jobYaml('later', { suspend: true, parallelism: 2, completions: 2 }));
    await eventually(async () => condition(await getJob('later'), 'Suspended')?.reason === 'JobSuspended', 5000, 'Suspended');
    assert.equal((await podsOfJob(h.client, NS, 'later')).length, 0);
    assert.equal((await getJob('later')).status?.startTime, undefined);
    await c.kubectl(['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    await activePods('later', 2);
    const job = await getJob('later');
    const s = job.status?.conditions?.find((x) => x.type === 'Suspended');
    assert.deepEqual([s?.status, s?.reason, s?.message], ['False', 'JobResumed', 'Job resumed']);
    assert.ok(job.status?.startTime);
    // Suspending again deletes the active pods without counting failures.
    await c.kubectl(['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
    await eventually(async () => (await podsOfJob(h.client, NS, 'later')).length === 0, 5000, 'pods gone');
    await eventually(async () => condition(await getJob('later'), 'Suspended') !== undefined, 5000, 'Suspended again');
    assert.equal((await getJob('later')).status?.failed, undefined);
  });

  test('podFailurePolicy: FailJob on an exit code fails the Job at once; Ignore does not count', async () => {
    await apply(jobYaml('policy', {
      backoffLimit: 6,
      podFailurePolicy: { rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
      ] },
    }));
    const [p1] = await activePods('policy', 1);
    await simulatePod(h.client, NS, p1?.metadata?.name ?? '', 'Failed', { exitCode: 7 });
    const [p2] = await activePods('policy', 1);
    assert.notEqual(p2?.metadata?.name, p1?.metadata?.name);
    assert.equal((await getJob('policy')).status?.failed, undefined, 'ignored failure not counted');
    await simulatePod(h.client, NS, p2?.metadata?.name ?? '', 'Failed', { exitCode: 42 });
    await c.kubectl(['wait', '--for=condition=failed', 'job/policy', '--timeout=10s']);
    const failed = condition(await getJob('policy'), 'Failed');
    assert.equal(failed?.reason, 'PodFailurePolicy');
    assert.equal(failed?.message, `Container main for pod ${NS}/${p2?.metadata?.name} failed with exit code 42 matching FailJob rule at index 0`);
    assert.equal((await getJob('policy')).status?.failed, 1);
  });

  test('pods of a Job being deleted (here: orphaning) lose the tracking finalizer', async () => {
    await apply(jobYaml('orphaner', { parallelism: 2, completions: 2 }));
    const pods = await activePods('orphaner', 2);
    // No garbage collector runs here: the Job stays with the orphan finalizer, being deleted.
    await c.kubectl(['delete', 'job', 'orphaner', '--cascade=orphan', '--wait=false']);
    await eventually(async () => {
      const now = await Promise.all(pods.map((p) => h.client.get<KubeObject>(R.pods, NS, p.metadata?.name ?? '')));
      return now.every((p) => !(p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER));
    }, 5000, 'finalizers removed');
  });
});
