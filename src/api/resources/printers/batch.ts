// Tables of batch/v1 kinds. Reference: kubernetes pkg/printers/internalversion/printers.go
// (printJob, printCronJob).
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import {
  ageColumn, ageOf, arr, column, containerCells, containersColumn, formatLabelSelector, imagesColumn, nameColumn,
  nameOf, num, obj, optNum, str, table, type Obj,
} from './common.js';
import { humanDuration, parseTime, since } from './duration.js';

function hasJobCondition(status: Obj, type: string): boolean {
  const c = arr(status['conditions']).map((x) => obj(x)).find((x) => x['type'] === type);
  return c !== undefined && c['status'] === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in kube's order of precedence. */
export function jobStatus(job: KubeObject): string {
  const status = obj(job['status']);
  if (hasJobCondition(status, 'Complete')) return 'Complete';
  if (hasJobCondition(status, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp != null) return 'Terminating';
  if (hasJobCondition(status, 'Suspended')) return 'Suspended';
  if (hasJobCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** "2/3", or for jobs without completions "1/1" / "0/1 of 3" (parallel work queue). */
export function jobCompletions(job: KubeObject): string {
  const spec = obj(job['spec']);
  const succeeded = num(obj(job['status'])['succeeded']);
  const completions = optNum(spec['completions']);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optNum(spec['parallelism']) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Running time so far, or start-to-completion once complete; '' before the job started. */
export function jobDuration(job: KubeObject, now: number): string {
  const status = obj(job['status']);
  const start = parseTime(status['startTime']);
  if (start === undefined) return '';
  const end = parseTime(status['completionTime']);
  return humanDuration((end ?? now) - start);
}

const jobSelectorColumn = column('Selector', 'A label query over pods that should match the pod count.', { priority: 1 });

export const jobTable: TableDef = table([
  nameColumn,
  column('Status', 'Status of the job.'),
  column('Completions', 'The number of pods which reached phase Succeeded.'),
  column('Duration', 'Time required to complete the job.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  jobSelectorColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  const [names, images] = containerCells(obj(spec, 'template', 'spec'));
  return [
    nameOf(o), jobStatus(o), jobCompletions(o), jobDuration(o, now), ageOf(o, now),
    names, images, formatLabelSelector(spec['selector']),
  ];
});

export const cronJobTable: TableDef = table([
  nameColumn,
  column('Schedule', 'The schedule in Cron format.'),
  column('Timezone', 'The time zone name for the given schedule.'),
  column('Suspend', 'Whether subsequent executions are suspended.', { type: 'boolean' }),
  column('Active', 'Number of currently running jobs.', { type: 'integer' }),
  column('Last Schedule', 'Time since the job was last successfully scheduled.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  jobSelectorColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const jobSpec = obj(spec, 'jobTemplate', 'spec');
  const [names, images] = containerCells(obj(jobSpec, 'template', 'spec'));
  const suspend = typeof spec['suspend'] === 'boolean' ? (spec['suspend'] ? 'True' : 'False') : '<unset>';
  const last = status['lastScheduleTime'] != null ? since(status['lastScheduleTime'], now) : '<none>';
  return [
    nameOf(o), str(spec['schedule']), typeof spec['timeZone'] === 'string' ? spec['timeZone'] : '<none>', suspend, arr(status['active']).length,
    last, ageOf(o, now), names, images, formatLabelSelector(jobSpec['selector']),
  ];
});
