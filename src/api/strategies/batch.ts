// batch/v1 Job and CronJob (pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation/validation.go,
// pkg/registry/batch/{job,cronjob}/strategy.go).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  bumpGeneration, child, deepEqual, defineStrategy, immutable, keepStatus, nonNegative, oneOf, rec, resetStatus,
  selectorErrors, selectorMatches, setDefault, str, strMap,
} from './common.js';
import { parseCronSchedule } from './cron.js';
import { defaultTemplate } from './pod-defaults.js';
import { validatePodTemplateSpec } from './pod-validation.js';
import { SELECTOR_MISMATCH } from './apps.js';

export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
} as const;

const MAX_INT32 = 2147483647;

// ---- Job ----

export function defaultJob(job: KubeObject): void {
  const spec = child(job, 'spec');
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? MAX_INT32 : 6);
  const templateLabels = rec(rec(rec(spec.template)?.metadata)?.labels);
  const meta = child(job, 'metadata');
  if (templateLabels && Object.keys(rec(meta.labels) ?? {}).length === 0) meta.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'manualSelector', false);
  setDefault(spec, 'podReplacementPolicy', rec(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  if (rec(spec.template)) defaultTemplate(child(spec, 'template'));
}

/**
 * generateSelector of kube's job strategy: pods of the job carry its uid and name, and the selector
 * picks the uid. Needs metadata.name and metadata.uid, which the registry sets before PrepareForCreate.
 * The labels defaulted from the template share kube's map, so they receive the generated labels too.
 */
export function generateJobSelector(job: KubeObject): void {
  const spec = child(job, 'spec');
  if (spec.manualSelector === true) return;
  const meta = child(job, 'metadata');
  const name = str(meta.name) ?? '';
  const uid = str(meta.uid) ?? '';
  const templateMeta = child(child(spec, 'template'), 'metadata');
  const sharedWithMeta = rec(templateMeta.labels) !== undefined && deepEqual(meta.labels, templateMeta.labels);
  const labels = child(templateMeta, 'labels');
  const generated: Record<string, string> = {
    [JOB_LABELS.legacyJobName]: name, [JOB_LABELS.jobName]: name,
    [JOB_LABELS.legacyControllerUid]: uid, [JOB_LABELS.controllerUid]: uid,
  };
  // A label the user already set is kept; a conflict then fails validation, as in kube.
  for (const [k, v] of Object.entries(generated)) setDefault(labels, k, v);
  if (sharedWithMeta) meta.labels = { ...labels };
  const selector = child(spec, 'selector');
  setDefault(child(selector, 'matchLabels'), JOB_LABELS.controllerUid, uid);
}

/** validateJobSpec; `selectorRequired` is false inside a CronJob's jobTemplate. */
function jobSpecErrors(specValue: unknown, path: string, selectorRequired: boolean): FieldError[] {
  const spec = rec(specValue);
  if (!spec) return [field.required(path, '')];
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...nonNegative(spec[k], `${path}.${k}`));
  }
  errs.push(...oneOf(spec.completionMode, `${path}.completionMode`, ['NonIndexed', 'Indexed'], false));
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
    errs.push(field.required(`${path}.completions`, 'when completion mode is Indexed'));
  }
  if (spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== null) {
    errs.push(...oneOf(spec.podReplacementPolicy, `${path}.podReplacementPolicy`, ['TerminatingOrFailed', 'Failed']));
  }
  const selector = rec(spec.selector);
  if (!selector && selectorRequired) errs.push(field.required(`${path}.selector`, ''));
  if (selector) errs.push(...selectorErrors(selector, `${path}.selector`));
  const template = rec(spec.template);
  if (!template) return [...errs, field.required(`${path}.template`, '')];
  const labels = strMap(rec(template.metadata)?.labels);
  if (selector && !selectorMatches(selector, labels)) errs.push(field.invalid(`${path}.template.metadata.labels`, labels, SELECTOR_MISMATCH));
  errs.push(...validatePodTemplateSpec(template, `${path}.template`));
  const restartPolicy = rec(template.spec)?.restartPolicy;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(`${path}.template.spec.restartPolicy`, restartPolicy ?? '', ['OnFailure', 'Never']));
  }
  return errs;
}

/** Scheduling directives of a suspended job that never started may change (kube AllowMutableSchedulingDirectives). */
const MUTABLE_WHEN_SUSPENDED = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'];

function validateJobUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(job.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs = [
    ...immutable(spec.selector, oldSpec.selector, 'spec.selector'),
    ...immutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode'),
    ...immutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, 'spec.podFailurePolicy'),
    ...immutable(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'),
  ];
  // Elastic indexed jobs may change completions together with parallelism.
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && oldSpec.completions === oldSpec.parallelism;
  if (!elastic) errs.push(...immutable(spec.completions, oldSpec.completions, 'spec.completions'));
  let template: unknown = spec.template;
  const startedOrRunning = !(oldSpec.suspend === true && !rec(old.status)?.startTime);
  if (!startedOrRunning) {
    const munged = structuredClone(rec(spec.template) ?? {});
    const mungedSpec = child(munged, 'spec');
    const oldPodSpec = rec(rec(oldSpec.template)?.spec) ?? {};
    for (const k of MUTABLE_WHEN_SUSPENDED) {
      if (oldPodSpec[k] === undefined) delete mungedSpec[k];
      else mungedSpec[k] = oldPodSpec[k];
    }
    template = munged;
  }
  errs.push(...immutable(template, oldSpec.template, 'spec.template'));
  return errs;
}

export const jobStrategy: KindStrategy = defineStrategy({
  default: defaultJob,
  validate: (job) => jobSpecErrors(job.spec, 'spec', true),
  validateUpdate: validateJobUpdate,
  prepareForCreate: (job) => {
    generateJobSelector(job);
    resetStatus(job);
  },
  prepareForUpdate: (job, old) => {
    keepStatus(job, old);
    bumpGeneration(job, old);
  },
});

// ---- CronJob ----

/** A CronJob's name plus the 11-character suffix of its Jobs must fit a 63-character label. */
const CRONJOB_NAME_MAX = 52;

function timeZoneErrors(tz: unknown): FieldError[] {
  if (tz === undefined || tz === null) return [];
  if (typeof tz !== 'string' || tz === '') return [field.invalid('spec.timeZone', tz, 'timeZone must be nil or non-empty string')];
  if (tz.toLowerCase() === 'local') {
    return [field.invalid('spec.timeZone', tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return [];
  } catch {
    return [field.invalid('spec.timeZone', tz, `unknown time zone ${tz}`)];
  }
}

function scheduleErrors(schedule: unknown): FieldError[] {
  if (schedule === undefined || schedule === null || schedule === '') return [field.required('spec.schedule', '')];
  if (typeof schedule !== 'string') return [field.invalid('spec.schedule', schedule, 'must be a string')];
  if (/^\s*(CRON_)?TZ=/.test(schedule) || schedule.includes('TZ=')) {
    return [field.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  }
  const parsed = parseCronSchedule(schedule);
  return parsed.ok ? [] : [field.invalid('spec.schedule', schedule, parsed.error)];
}

function validateCronJob(cj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(rec(cj.metadata)?.name);
  if (name && name.length > CRONJOB_NAME_MAX) errs.push(field.invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  const spec = rec(cj.spec);
  if (!spec) return [...errs, field.required('spec', '')];
  errs.push(...scheduleErrors(spec.schedule), ...timeZoneErrors(spec.timeZone));
  errs.push(...oneOf(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['Allow', 'Forbid', 'Replace']));
  for (const k of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(spec[k], `spec.${k}`));
  const jobTemplate = rec(spec.jobTemplate);
  if (!jobTemplate) return [...errs, field.required('spec.jobTemplate', '')];
  const jobSpec = rec(jobTemplate.spec);
  if (jobSpec?.manualSelector === true) {
    errs.push(field.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  }
  errs.push(...jobSpecErrors(jobSpec, 'spec.jobTemplate.spec', false));
  return errs;
}

export const cronJobStrategy: KindStrategy = defineStrategy({
  default: (cj) => {
    const spec = child(cj, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    // Only the pod template inside gets defaults (SetDefaults_Job is for Job objects).
    const template = rec(rec(rec(spec.jobTemplate)?.spec)?.template);
    if (template) defaultTemplate(template);
  },
  validate: validateCronJob,
  prepareForCreate: (cj) => resetStatus(cj),
  prepareForUpdate: (cj, old) => {
    keepStatus(cj, old);
    bumpGeneration(cj, old);
  },
});

