// manageJob: keep min(parallelism, remaining completions) pods active — create missing ones
// (after the failure backoff, in slow-start batches), delete extra ones, delete all when suspended.
// kube pkg/controller/job/job_controller.go manageJob, deleteJobPods, deleteActivePods.
import { R } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { newControllerRef } from '../runtime/index.js';
import { remainingBackoffMs } from './backoff.js';
import { firstPendingIndexes } from './intervals.js';
import { activePodsForRemoval, completionIndex, hasTrackingFinalizer, isReady, onlyReplaceFailedPods, UNKNOWN_INDEX } from './pods.js';
import { requeueWithin, type JobDeps, type SyncState } from './sync-state.js';
import {
  COMPLETION_INDEX_ENV, JOB_API_VERSION, JOB_COMPLETION_INDEX, JOB_KIND, JOB_TRACKING_FINALIZER,
  type Container, type Job, type Pod, type PodTemplate,
} from './types.js';

/** kube MaxPodCreateDeletePerSync. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** kube MaxGeneratedNameLength: a generateName prefix leaves 5 characters for the random suffix. */
const MAX_GENERATED_NAME_LENGTH = 58;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function withIndexEnv(c: Container): Container {
  if ((c.env ?? []).some((v) => v.name === COMPLETION_INDEX_ENV)) return c;
  // PodIndexLabel (GA in 1.32): the downward API reads the index label.
  return { ...c, env: [...(c.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_COMPLETION_INDEX}']` } } }] };
}

function podGenerateName(jobName: string, index: number): string {
  if (index === UNKNOWN_INDEX) return `${jobName}-`.slice(0, MAX_GENERATED_NAME_LENGTH);
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** The pod the Job's template describes (controller.GetPodFromTemplate plus the Job's additions). */
export function podFromTemplate(job: Readonly<Job>, index: number): Pod {
  const template = structuredClone((job.spec?.template ?? {}) as PodTemplate);
  const meta = template.metadata ?? {};
  const spec = template.spec ?? {};
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  const name = job.metadata?.name ?? '';
  if (index !== UNKNOWN_INDEX) {
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname = `${name}-${index}`;
    if (spec.containers) spec.containers = spec.containers.map(withIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
  }
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: podGenerateName(name, index),
      namespace: job.metadata?.namespace ?? '',
      labels, ...(Object.keys(annotations).length ? { annotations } : {}), finalizers,
      ownerReferences: [newControllerRef(job, JOB_API_VERSION, JOB_KIND)],
    },
    spec,
  };
}

/** DELETE each pod, keeping its finalizer (counted later). Returns how many (and how many ready) went. */
export async function deleteActivePods(d: JobDeps, job: Readonly<Job>, pods: readonly Readonly<Pod>[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(pods.map(async (p) => {
    try {
      await d.client.delete(R.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '');
      d.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name ?? ''}`);
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) {
        error ??= e;
        d.events.record(job, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
        return;
      }
    }
    deleted++;
    if (isReady(p)) deletedReady++;
  }));
  return { deleted, deletedReady, error };
}

/** Remove the tracking finalizer, then delete: these pods are not counted as failures (suspend, scale down). */
async function deleteJobPods(d: JobDeps, s: SyncState, pods: readonly Readonly<Pod>[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(pods.map(async (p) => {
    const ns = p.metadata?.namespace ?? '';
    const name = p.metadata?.name ?? '';
    const uid = p.metadata?.uid ?? '';
    d.expectations.expectDeletion(s.key, uid);
    try {
      if (hasTrackingFinalizer(p)) {
        await d.client.patch(R.pods, ns, name, { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } }, 'strategic');
      }
      await d.client.delete(R.pods, ns, name);
      d.events.record(s.job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      d.expectations.deletionObserved(s.key, uid);
      if (!isStatusError(e) || e.code !== 404) {
        error ??= e;
        d.events.record(s.job, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
        return;
      }
    }
    deleted++;
    if (isReady(p)) deletedReady++;
  }));
  return { deleted, deletedReady, error };
}

async function createPod(d: JobDeps, s: SyncState, index: number): Promise<boolean> {
  try {
    const created = await d.client.create<Pod>(R.pods, s.job.metadata?.namespace ?? '', podFromTemplate(s.job, index));
    const name = created.metadata?.name ?? '';
    // The informer may have delivered it already; otherwise wait for it before counting pods again.
    if (!d.pods.get(`${created.metadata?.namespace ?? ''}/${name}`)) d.expectations.expectCreation(s.key, name);
    d.events.record(s.job, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`);
    return true;
  } catch (e) {
    if (isStatusError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return false;
    d.events.record(s.job, 'Warning', 'FailedCreate', `Error creating: ${errText(e)}`);
    throw e;
  }
}

/** Returns the number of active pods after acting, and the first API error (the sync still records status, then retries). */
export async function manageJob(d: JobDeps, s: SyncState): Promise<{ active: number; error?: unknown }> {
  const job = s.job;
  let active = s.activePods.length;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;

  if (job.spec?.suspend === true) {
    const r = await deleteJobPods(d, s, activePodsForRemoval(job, s.activePods, active));
    active -= r.deleted;
    s.terminating += r.deleted;
    s.ready -= r.deletedReady;
    return { active, error: r.error };
  }

  let wantActive: number;
  if (completions === undefined || completions === null) {
    // Without completions the Job is done once any pod succeeded: leave running pods alone then.
    wantActive = s.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(parallelism, completions - s.succeeded));
  }

  const rmAtLeast = Math.max(0, active - wantActive);
  const toDelete = activePodsForRemoval(job, s.activePods, rmAtLeast).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (toDelete.length > 0) {
    // Deleting and creating in one sync is never done; deleting comes first.
    const r = await deleteJobPods(d, s, toDelete);
    active -= r.deleted;
    s.terminating += r.deleted;
    s.ready -= r.deletedReady;
    return { active, error: r.error };
  }

  const terminating = onlyReplaceFailedPods(job) ? s.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active };
  const remaining = remainingBackoffMs(s.newBackoff, d.clock.now(), d.backoffBaseMs, d.backoffMaxMs);
  if (remaining > 0) {
    requeueWithin(s, remaining);
    return { active };
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  let indexes: number[] = [];
  if (job.spec?.completionMode === 'Indexed') {
    const activeIndexes = s.activePods.map(completionIndex).filter((i) => i !== UNKNOWN_INDEX);
    indexes = firstPendingIndexes(s.succeededIndexes, activeIndexes, diff, completions ?? 0);
    diff = indexes.length;
  }

  // Slow start: batches of 1, 2, 4, ... so a quota or admission error stops after few attempts.
  let error: unknown;
  for (let batch = Math.min(diff, 1); diff > 0; batch = Math.min(2 * batch, diff)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => {
      const ix = indexes.length ? indexes.shift() as number : UNKNOWN_INDEX;
      return createPod(d, s, ix);
    }));
    for (const r of results) {
      if (r.status === 'fulfilled' && r.value) active++;
      else if (r.status === 'rejected') error ??= r.reason;
    }
    diff -= batch;
    if (error) break;
  }
  return { active, error };
}
