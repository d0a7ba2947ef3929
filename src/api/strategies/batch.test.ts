import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cronJobStrategy, jobStrategy, JOB_LABELS } from './batch.js';
import { parseCronSchedule } from './cron.js';
import { create, get, meta, template, update, withValue } from './test-harness.js';

const job = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: meta('pi'),
  spec: { template: template({ app: 'pi' }, { restartPolicy: 'Never' }), ...spec },
});

describe('Job', () => {
  test('defaults and the generated selector', () => {
    const { obj, errs } = create(jobStrategy, job());
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.completions'), 1);
    assert.equal(get(obj, 'spec.parallelism'), 1);
    assert.equal(get(obj, 'spec.backoffLimit'), 6);
    assert.equal(get(obj, 'spec.completionMode'), 'NonIndexed');
    assert.equal(get(obj, 'spec.suspend'), false);
    assert.equal(get(obj, 'spec.manualSelector'), false);
    assert.deepEqual(get(obj, 'spec.selector'), { matchLabels: { [JOB_LABELS.controllerUid]: 'uid-1' } });
    assert.deepEqual(get(obj, 'spec.template.metadata.labels'), {
      app: 'pi', 'job-name': 'pi', [JOB_LABELS.jobName]: 'pi', 'controller-uid': 'uid-1', [JOB_LABELS.controllerUid]: 'uid-1',
    });
    // Labels defaulted from the template share kube's map, so they carry the generated labels too.
    assert.equal((get(obj, 'metadata.labels') as Record<string, string> | undefined)?.[JOB_LABELS.jobName], 'pi');
    assert.equal(get(obj, 'metadata.generation'), 1);
  });

  test('only parallelism given leaves completions unset', () => {
    const { obj } = create(jobStrategy, job({ parallelism: 3 }));
    assert.equal(get(obj, 'spec.completions'), undefined);
    assert.equal(get(obj, 'spec.parallelism'), 3);
  });

  test('restartPolicy Always is refused', () => {
    const { errs } = create(jobStrategy, job({ template: template({ app: 'pi' }) }));
    assert.deepEqual(errs.map((e) => [e.field, e.message]), [
      ['spec.template.spec.restartPolicy', 'Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ]);
  });

  test('a manual selector must match the template', () => {
    const { fields } = create(jobStrategy, job({ manualSelector: true, selector: { matchLabels: { app: 'other' } } }));
    assert.deepEqual(fields, ['spec.template.metadata.labels']);
    assert.deepEqual(create(jobStrategy, job({ manualSelector: true })).fields, ['spec.selector']);
  });

  test('template and completions are immutable', () => {
    const stored = create(jobStrategy, job()).obj;
    const { fields } = update(jobStrategy, stored, withValue(withValue(stored, 'spec.template.spec.containers[0].image', 'perl:2'), 'spec.completions', 3));
    assert.deepEqual(fields, ['spec.completions', 'spec.template']);
    assert.deepEqual(update(jobStrategy, stored, withValue(stored, 'spec.suspend', true)).errs, []);
  });
});

describe('CronJob', () => {
  const cron = (spec: Record<string, unknown> = {}) => ({
    metadata: meta('nightly'),
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({ app: 'n' }, { restartPolicy: 'OnFailure' }) } }, ...spec },
  });

  test('defaults', () => {
    const { obj, errs } = create(cronJobStrategy, cron());
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.concurrencyPolicy'), 'Allow');
    assert.equal(get(obj, 'spec.suspend'), false);
    assert.equal(get(obj, 'spec.successfulJobsHistoryLimit'), 3);
    assert.equal(get(obj, 'spec.failedJobsHistoryLimit'), 1);
    assert.equal(get(obj, 'spec.jobTemplate.spec.template.spec.dnsPolicy'), 'ClusterFirst');
  });

  test('invalid schedules, TZ in the schedule, unknown time zones', () => {
    const bad = create(cronJobStrategy, cron({ schedule: '61 * * * *' }));
    assert.deepEqual(bad.errs.map((e) => [e.field, e.message]), [['spec.schedule', 'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']]);
    assert.equal(create(cronJobStrategy, cron({ schedule: '* * * *' })).errs[0]?.message, 'Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]');
    assert.match(create(cronJobStrategy, cron({ schedule: 'TZ=UTC 0 * * * *' })).errs[0]?.message ?? '', /cannot use TZ or CRON_TZ in schedule/);
    assert.deepEqual(create(cronJobStrategy, cron({ timeZone: 'Mars/Olympus' })).fields, ['spec.timeZone']);
    assert.deepEqual(create(cronJobStrategy, cron({ timeZone: 'Europe/Paris', schedule: '@hourly' })).errs, []);
    assert.deepEqual(create(cronJobStrategy, cron({ schedule: undefined })).fields, ['spec.schedule']);
  });

  test('long names and a Job template that restarts Always', () => {
    const { fields } = create(cronJobStrategy, withValue(cron({ jobTemplate: { spec: { template: template() } } }), 'metadata.name', 'n'.repeat(53)));
    assert.deepEqual(fields, ['metadata.name', 'spec.jobTemplate.spec.template.spec.restartPolicy']);
  });
});

describe('cron parser', () => {
  test('fields, names, steps and descriptors', () => {
    const p = parseCronSchedule('0,30 9-17/2 * JAN-MAR mon-fri');
    assert.ok(p.ok && p.fields);
    assert.deepEqual([...p.fields.minutes], [0, 30]);
    assert.deepEqual([...p.fields.hours], [9, 11, 13, 15, 17]);
    assert.deepEqual([...p.fields.months], [1, 2, 3]);
    assert.deepEqual([...p.fields.daysOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(p.fields.domStar, true);
    const weekly = parseCronSchedule('@weekly');
    assert.ok(weekly.ok && weekly.fields);
    assert.deepEqual([...weekly.fields.daysOfWeek], [0]);
    const every = parseCronSchedule('@every 1h30m');
    assert.ok(every.ok);
    assert.equal(every.everySeconds, 5400);
  });

  test('errors', () => {
    assert.deepEqual(parseCronSchedule('* * * * 7'), { ok: false, error: 'end of range (7) above maximum (6): 7' });
    assert.deepEqual(parseCronSchedule('5-1 * * * *'), { ok: false, error: 'beginning of range (5) beyond end of range (1): 5-1' });
    assert.deepEqual(parseCronSchedule('@sometimes'), { ok: false, error: 'unrecognized descriptor: @sometimes' });
    assert.deepEqual(parseCronSchedule('*/0 * * * *'), { ok: false, error: 'step of range should be a positive number: */0' });
    assert.equal(parseCronSchedule('a * * * *').ok, false);
  });
});
