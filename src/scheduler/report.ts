// Telling the user why a pod waits (schedule_one.go handleSchedulingFailure / updatePod): a Warning
// event FailedScheduling, and the pod's PodScheduled condition set to False with the same reason and
// message, written only when it changes (so retries of an unchanged failure cost no write).
import type { Logger } from 'pino';
import { R, type ApiClient, type EventRecorder } from '../client/index.js';
import type { Clock } from '../machinery/clock.js';
import { rfc3339 } from '../machinery/object.js';
import type { Pod, PodCondition } from './api-types.js';

export interface FailureReporterDeps { client: ApiClient; events: EventRecorder; clock: Clock; log: Logger }

export type FailureReason = 'Unschedulable' | 'SchedulerError';

/** The PodScheduled condition to write, or undefined when the pod already carries it. */
export function podScheduledCondition(pod: Readonly<Pod>, reason: FailureReason, message: string, now: number): PodCondition | undefined {
  const cur = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (cur && cur.status === 'False' && cur.reason === reason && cur.message === message) return undefined;
  const since = cur && cur.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : rfc3339(now);
  return { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: since };
}

export function reportFailure(d: FailureReporterDeps, pod: Readonly<Pod>, reason: FailureReason, message: string): void {
  d.events.record(pod, 'Warning', 'FailedScheduling', message);
  const cond = podScheduledCondition(pod, reason, message, d.clock.now());
  if (!cond) return;
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  d.client.patch(R.pods, ns, name, { status: { conditions: [cond] } }, 'strategic', { subresource: 'status' })
    .catch((e: unknown) => d.log.debug({ err: e, pod: `${ns}/${name}` }, 'could not update the PodScheduled condition'));
}
