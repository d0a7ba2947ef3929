// The simulated pod lifecycle as data (kwok's Stages): each stage says when it applies to a pod,
// when it is due, and what the kubelet writes then. The first stage that applies wins.
//
//   delete   pod has deletionTimestamp      due: seen terminating + min(grace, cap)  → delete, gracePeriodSeconds=0
//   start    phase Pending                  due: first seen bound + start delay       → Running, IP, containers ready
//   exit     Running, sim.k8ts.io/run-for   due: running since + run-for              → Succeeded/Failed, or CrashLoopBackOff
//   restart  Running, a container waiting   due: exited at + back-off(restarts)       → Running again, restartCount+1
//   ready    Running, Ready not as it should be (readiness gates changed, or marked NotReady while away) → Running
import { backoffMs, crashedStatus, readyIsCurrent, runningStatus, terminalStatus, type StatusContext } from './pod-status.js';
import { parseDuration } from './duration.js';
import { ANNOTATION_EXIT_CODE, ANNOTATION_RUN_FOR, ANNOTATION_START_DELAY, type SimPod } from './types.js';

/** What the runner remembers of a pod, on its own clock. */
export interface PodRecord {
  /** When the pod was first seen bound to one of our nodes. */
  seenAt: number;
  /** When its deletion was first seen. */
  terminatingAt?: number;
  /** When we last wrote its containers running. */
  runningAt?: number;
  /** When we last wrote its containers exited. */
  exitedAt?: number;
}

export interface StageContext extends StatusContext {
  record: Readonly<PodRecord>;
  startDelayMs: number;
  terminationGraceCapMs: number;
  crashLoopBackoffMs: number;
}

export type PodAction =
  | { kind: 'none' }
  | { kind: 'wait'; stage: string; untilMs: number }
  | { kind: 'status'; stage: string; status: Record<string, unknown> }
  | { kind: 'delete'; stage: string };

export interface Stage {
  name: string;
  when(pod: Readonly<SimPod>): boolean;
  dueAt(pod: Readonly<SimPod>, ctx: StageContext): number;
  next(pod: Readonly<SimPod>, ctx: StageContext): PodAction;
}

const annotation = (pod: Readonly<SimPod>, key: string): string | undefined => pod.metadata?.annotations?.[key];

export function runForMs(pod: Readonly<SimPod>): number | undefined {
  const v = annotation(pod, ANNOTATION_RUN_FOR);
  return v === undefined ? undefined : parseDuration(v);
}

export function exitCodeOf(pod: Readonly<SimPod>): number {
  const n = Number(annotation(pod, ANNOTATION_EXIT_CODE) ?? '0');
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 1;
}

const parseTime = (t: string | undefined): number | undefined => {
  const n = t ? Date.parse(t) : NaN;
  return Number.isNaN(n) ? undefined : n;
};

const phase = (pod: Readonly<SimPod>): string => pod.status?.phase ?? 'Pending';
const statuses = (pod: Readonly<SimPod>) => pod.status?.containerStatuses ?? [];
const allRunning = (pod: Readonly<SimPod>): boolean => {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  return names.length > 0 && names.every((n) => statuses(pod).some((s) => s.name === n && s.state?.running));
};

export const podStages: readonly Stage[] = [
  {
    name: 'delete',
    when: (pod) => !!pod.metadata?.deletionTimestamp,
    dueAt: (pod, ctx) => {
      const graceMs = (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
      return (ctx.record.terminatingAt ?? ctx.now) + Math.min(graceMs, ctx.terminationGraceCapMs);
    },
    next: () => ({ kind: 'delete', stage: 'delete' }),
  },
  {
    name: 'start',
    when: (pod) => phase(pod) === 'Pending',
    dueAt: (pod, ctx) => {
      const own = annotation(pod, ANNOTATION_START_DELAY);
      const delay = own === undefined ? ctx.startDelayMs : parseDuration(own) ?? ctx.startDelayMs;
      return ctx.record.seenAt + delay;
    },
    next: (pod, ctx) => ({ kind: 'status', stage: 'start', status: runningStatus(pod, ctx) }),
  },
  {
    name: 'exit',
    when: (pod) => phase(pod) === 'Running' && runForMs(pod) !== undefined && allRunning(pod),
    dueAt: (pod, ctx) => {
      const since = ctx.record.runningAt
        ?? Math.max(...statuses(pod).map((s) => parseTime(s.state?.running?.startedAt) ?? ctx.now));
      return since + (runForMs(pod) ?? 0);
    },
    next: (pod, ctx) => {
      const code = exitCodeOf(pod);
      const policy = pod.spec?.restartPolicy ?? 'Always';
      const restarts = policy === 'Always' || (policy === 'OnFailure' && code !== 0);
      return {
        kind: 'status', stage: 'exit',
        status: restarts ? crashedStatus(pod, ctx, code, ctx.crashLoopBackoffMs) : terminalStatus(pod, ctx, code),
      };
    },
  },
  {
    name: 'restart',
    when: (pod) => phase(pod) === 'Running' && statuses(pod).some((s) => s.state?.waiting),
    dueAt: (pod, ctx) => {
      const waiting = statuses(pod).filter((s) => s.state?.waiting);
      const restarts = Math.max(...waiting.map((s) => s.restartCount ?? 0));
      const exited = ctx.record.exitedAt
        ?? Math.max(...waiting.map((s) => parseTime(s.lastState?.terminated?.finishedAt) ?? ctx.now));
      return exited + backoffMs(ctx.crashLoopBackoffMs, restarts);
    },
    next: (pod, ctx) => ({ kind: 'status', stage: 'restart', status: runningStatus(pod, ctx) }),
  },
  {
    name: 'ready',
    when: (pod) => phase(pod) === 'Running' && allRunning(pod) && !readyIsCurrent(pod),
    dueAt: (_pod, ctx) => ctx.now,
    next: (pod, ctx) => ({ kind: 'status', stage: 'ready', status: runningStatus(pod, ctx) }),
  },
];

/** What the kubelet does next for this pod: the first stage that applies, now or later. */
export function nextPodAction(pod: Readonly<SimPod>, ctx: StageContext): PodAction {
  for (const stage of podStages) {
    if (!stage.when(pod)) continue;
    const due = stage.dueAt(pod, ctx);
    if (due > ctx.now) return { kind: 'wait', stage: stage.name, untilMs: due };
    return stage.next(pod, ctx);
  }
  return { kind: 'none' };
}
