// The CronJob controller (with the Job controller) against a real API server and the real kubectl.
// Time is a JumpClock: it runs with real time and the test jumps it to the next minute. Each test
// starts the controllers afresh with a new clock, so that the API server's creationTimestamps
// (real time) and the controllers' clock start out together.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import { jobControllerWith, type Job } from '../job/index.js';
import { podsOfJob, simulatePod } from '../job/test-pods.js';
import { cronJobController, type CronJob } from './index.js';
import { JumpClock } from './test-clock.js';

const NS = 'default';
const MINUTE = 60_000;

function cronJobYaml(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: NS },
    spec: {
      schedule: '*/1 * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { app: name }, annotations: { note: 'from-template' } },
        spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
      },
    },
  });
}

describe('cronjob controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let clock: JumpClock;

  before(async () => { c = await startTestCluster(); });
  after(async () => { await c?.stop(); });
  beforeEach(async () => {
    clock = new JumpClock();
    h = await startControllerHarness(c, [jobControllerWith({ batchPeriodMs: 20, retryBaseMs: 20 }), cronJobController], { clock });
  });
  afterEach(async () => { await h?.stop(); });

  const getCronJob = (name: string) => h.client.get<CronJob>(R.cronjobs, NS, name);
  const jobsOf = async (name: string) => {
    const cj = await getCronJob(name);
    const list = await h.client.list<Job>(R.jobs, NS);
    return list.items.filter((j) => j.metadata?.ownerReferences?.some((r) => r.uid === cj.metadata?.uid))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  };
  const eventsOf = async (name: string) => {
    const list = await h.client.list(R.events, NS, { fieldSelector: `involvedObject.name=${name}` });
    return list.items.map((e) => ({ type: (e as { type?: string }).type, reason: (e as { reason?: string }).reason, message: (e as { message?: string }).message }));
  };
  /** Jumps to 1s past the next minute boundary and returns that boundary. */
  const nextMinute = () => {
    const boundary = Math.floor(clock.now() / MINUTE) * MINUTE + MINUTE;
    clock.advanceTo(boundary + 1000);
    return boundary;
  };
  const jobCount = (name: string, n: number) => eventually(async () => {
    const js = await jobsOf(name);
    return js.length === n ? js : undefined;
  }, 5000, `${n} jobs of ${name}`);
  const completeJob = async (job: Job) => {
    const pods = await eventually(async () => { const ps = await podsOfJob(h.client, NS, job.metadata?.name ?? ''); return ps.length ? ps : undefined; }, 5000, 'job pod');
    await simulatePod(h.client, NS, pods[0]?.metadata?.name ?? '', 'Succeeded');
    await c.kubectl(['wait', '--for=condition=complete', `job/${job.metadata?.name ?? ''}`, '--timeout=10s']);
  };
  const failJob = async (job: Job) => {
    const pods = await eventually(async () => { const ps = await podsOfJob(h.client, NS, job.metadata?.name ?? ''); return ps.length ? ps : undefined; }, 5000, 'job pod');
    await simulatePod(h.client, NS, pods[0]?.metadata?.name ?? '', 'Failed');
    await c.kubectl(['wait', '--for=condition=failed', `job/${job.metadata?.name ?? ''}`, '--timeout=10s']);
  };

  test('"*/1 * * * *" creates a Job each minute; history limits prune the oldest', async () => {
    await c.kubectl(['apply', '-f', '-'], {
      input: cronJobYaml('every', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1, timeZone: 'Asia/Kolkata' }),
    });
    assert.equal((await jobsOf('every')).length, 0, 'nothing before the first start time');
    const first = nextMinute();
    const [job] = await jobCount('every', 1);
    assert.equal(job?.metadata?.name, `every-${first / MINUTE}`);
    assert.equal(job?.metadata?.labels?.app, 'every');
    assert.equal(job?.metadata?.annotations?.note, 'from-template');
    const stamp = job?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '';
    assert.match(stamp, /\+05:30$/);
    assert.equal(Date.parse(stamp), first);
    assert.deepEqual(job?.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['CronJob', 'every', true]]);
    const cj = await eventually(async () => { const x = await getCronJob('every'); return x.status?.active?.length === 1 ? x : undefined; }, 5000, 'active');
    assert.equal(cj.status?.active?.[0]?.name, job?.metadata?.name);
    assert.equal(Date.parse(cj.status?.lastScheduleTime ?? ''), first);

    await completeJob(job as Job);
    const done = await eventually(async () => { const x = await getCronJob('every'); return !x.status?.active && x.status?.lastSuccessfulTime ? x : undefined; }, 5000, 'active cleared');
    assert.ok(done.status?.lastSuccessfulTime);
    let events = await eventsOf('every');
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === `Created job ${job?.metadata?.name}`));
    assert.ok(events.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${job?.metadata?.name}, status: Complete`));

    // Three more successful runs and one failed: 2 successful and 1 failed are kept.
    const names: string[] = [job?.metadata?.name ?? ''];
    for (let i = 2; i <= 5; i++) {
      const t = nextMinute();
      const js = await eventually(async () => { const all = await jobsOf('every'); return all.find((j) => j.metadata?.name === `every-${t / MINUTE}`); }, 5000, `job ${i}`);
      names.push(js.metadata?.name ?? '');
      if (i === 4) await failJob(js); else await completeJob(js);
    }
    // Left: the two newest successful (runs 3 and 5) and the failed one (run 4).
    await eventually(async () => {
      const left = (await jobsOf('every')).map((j) => j.metadata?.name);
      return left.length === 3 && left.join() === [names[2], names[3], names[4]].sort().join();
    }, 5000, 'history pruned');
    events = await eventsOf('every');
    for (const gone of [names[0], names[1]]) assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted job ${gone}`), `deleted ${gone}`);
    const table = await c.kubectl(['get', 'cronjob', 'every', '--no-headers']);
    assert.match(table.stdout, /^every\s+\*\/1 \* \* \* \*\s+Asia\/Kolkata\s+False\s+0\s+\S+/);
  });

  test('Forbid: no new Job while one runs; the missed start runs once it finished', async () => {
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('forbid', { concurrencyPolicy: 'Forbid' }) });
    nextMinute();
    const [first] = await jobCount('forbid', 1);
    const second = nextMinute();
    await eventually(async () => (await eventsOf('forbid')).some((e) => e.reason === 'JobAlreadyActive'
      && e.message === 'Not starting job because prior execution is running and concurrency policy is Forbid'), 5000, 'JobAlreadyActive');
    assert.equal((await jobsOf('forbid')).length, 1);
    // Finishing the running Job lets the (still unmet) start time run, late.
    await completeJob(first as Job);
    const js = await jobCount('forbid', 2);
    assert.equal(js[1]?.metadata?.name, `forbid-${second / MINUTE}`);
  });

  test('Replace: the running Job is deleted and a new one started', async () => {
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('replace', { concurrencyPolicy: 'Replace' }) });
    nextMinute();
    const [first] = await jobCount('replace', 1);
    const second = nextMinute();
    await eventually(async () => {
      const js = await jobsOf('replace');
      return js.length === 1 && js[0]?.metadata?.name === `replace-${second / MINUTE}`;
    }, 5000, 'replaced');
    const events = await eventsOf('replace');
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted job ${first?.metadata?.name}`));
    const cj = await eventually(async () => { const x = await getCronJob('replace'); return x.status?.active?.[0]?.name === `replace-${second / MINUTE}` ? x : undefined; }, 5000, 'active');
    assert.equal(cj.status?.active?.length, 1);
  });

  test('suspend, startingDeadlineSeconds and too many missed start times', async () => {
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('paused', { suspend: true }) });
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('strict', { startingDeadlineSeconds: 10 }) });
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('late', {}) });
    await new Promise((r) => setTimeout(r, 200));
    // 3 hours pass (the controller was "down"); now is 30s after a minute boundary.
    const boundary = Math.floor(clock.now() / MINUTE) * MINUTE + 180 * MINUTE;
    clock.advanceTo(boundary + 30_000);
    // Re-deliver the CronJobs (their queued wake-ups fired during the jump) by touching them.
    for (const n of ['paused', 'strict', 'late']) await c.kubectl(['annotate', 'cronjob', n, `poke=${Date.now()}`, '--overwrite']);
    const [lateJob] = await jobCount('late', 1);
    assert.equal(lateJob?.metadata?.name, `late-${boundary / MINUTE}`, 'only the most recent missed start runs');
    assert.ok((await eventsOf('late')).some((e) => e.type === 'Warning' && e.reason === 'TooManyMissedTimes'));
    // 30s late is beyond a 10s starting deadline: nothing runs until the next start time.
    assert.equal((await jobsOf('strict')).length, 0);
    assert.equal((await jobsOf('paused')).length, 0);
    const next = nextMinute();
    const [strictJob] = await jobCount('strict', 1);
    assert.equal(strictJob?.metadata?.name, `strict-${next / MINUTE}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await jobsOf('paused')).length, 0, 'suspended: never');
  });

  test('kubectl create job --from=cronjob works (client-side copy of the template)', async () => {
    await c.kubectl(['apply', '-f', '-'], { input: cronJobYaml('manual', { schedule: '0 0 1 1 *' }) });
    await c.kubectl(['create', 'job', 'manual-run', '--from=cronjob/manual']);
    const job = await h.client.get<Job>(R.jobs, NS, 'manual-run');
    assert.equal(job.metadata?.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    const pods = await eventually(async () => { const ps = await podsOfJob(h.client, NS, 'manual-run'); return ps.length === 1 ? ps : undefined; }, 5000, 'pod');
    await simulatePod(h.client, NS, pods[0]?.metadata?.name ?? '', 'Succeeded');
    await c.kubectl(['wait', '--for=condition=complete', 'job/manual-run', '--timeout=10s']);
    await eventually(async () => !!(await getCronJob('manual')).status?.lastSuccessfulTime, 5000, 'lastSuccessfulTime');
  });
});
