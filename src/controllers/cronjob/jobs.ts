// A CronJob's Jobs: the Job made for a scheduled time, the active list, and the order in which
// finished Jobs beyond the history limits are removed (kube pkg/controller/cronjob/utils.go).
import { newControllerRef } from '../runtime/index.js';
import type { Job } from '../job/index.js';
import { formatRfc3339In } from './time-zone.js';
import { CRONJOB_API_VERSION, CRONJOB_KIND, CRONJOB_SCHEDULED_TIMESTAMP, type CronJob, type ObjectReference } from './types.js';

/** <cronjob>-<scheduled time in minutes since the epoch>: one name per start time, so a start is never made twice. */
export function jobNameFor(cj: Readonly<CronJob>, scheduledMs: number): string {
  return `${cj.metadata?.name ?? ''}-${Math.floor(scheduledMs / 60_000)}`;
}

/** getJobFromTemplate2: the template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: Readonly<CronJob>, scheduledMs: number): Job {
  const template = structuredClone(cj.spec?.jobTemplate ?? {});
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledMs),
      namespace: cj.metadata?.namespace ?? '',
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        [CRONJOB_SCHEDULED_TIMESTAMP]: formatRfc3339In(scheduledMs, cj.spec?.timeZone ?? undefined),
      },
      ownerReferences: [newControllerRef(cj, CRONJOB_API_VERSION, CRONJOB_KIND)],
    },
    spec: template.spec ?? {},
  };
}

export function refOf(job: Readonly<Job>): ObjectReference {
  return {
    kind: 'Job', namespace: job.metadata?.namespace ?? '', name: job.metadata?.name ?? '',
    uid: job.metadata?.uid ?? '', apiVersion: 'batch/v1', resourceVersion: job.metadata?.resourceVersion ?? '',
  };
}

export const inActiveList = (cj: Readonly<CronJob>, uid: string): boolean => (cj.status?.active ?? []).some((r) => r.uid === uid);

export const inActiveListByName = (cj: Readonly<CronJob>, name: string): boolean => (cj.status?.active ?? []).some((r) => r.name === name);

export function deleteFromActiveList(cj: CronJob, uid: string): void {
  const st = (cj.status ??= {});
  st.active = (st.active ?? []).filter((r) => r.uid !== uid);
}

/** byJobStartTime: oldest start first, Jobs without a start time last, names break ties. */
export function byStartTime(a: Readonly<Job>, b: Readonly<Job>): number {
  const ta = a.status?.startTime ? Date.parse(a.status.startTime) : undefined;
  const tb = b.status?.startTime ? Date.parse(b.status.startTime) : undefined;
  if (ta === undefined || tb === undefined) {
    if (ta === tb) return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
    return ta === undefined ? 1 : -1;
  }
  return ta === tb ? (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '') : ta - tb;
}
