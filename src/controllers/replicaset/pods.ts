// Pod predicates the ReplicaSet controller counts with (kube's controller.IsPodActive and
// podutil.IsPodReady / IsPodAvailable).
import type { Pod, PodCondition } from './types.js';

/** Not finished and not being deleted: the pods a ReplicaSet counts (controller.IsPodActive). */
export function isPodActive(p: Readonly<Pod>): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}

export function podReadyCondition(p: Readonly<Pod>): Readonly<PodCondition> | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(p: Readonly<Pod>): boolean {
  return podReadyCondition(p)?.status === 'True';
}

/** When a ready pod became ready (its Ready condition's lastTransitionTime), in ms; undefined if unknown. */
export function podReadySince(p: Readonly<Pod>): number | undefined {
  const t = podReadyCondition(p)?.lastTransitionTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Ready for at least minReadySeconds (podutil.IsPodAvailable). A ready pod without a transition
 * time never becomes available unless minReadySeconds is 0.
 */
export function isPodAvailable(p: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(p);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** How long until a ready but not yet available pod becomes available; undefined if it never will by itself. */
export function msUntilAvailable(p: Readonly<Pod>, minReadySeconds: number, nowMs: number): number | undefined {
  if (!isPodReady(p) || minReadySeconds <= 0) return undefined;
  const since = podReadySince(p);
  if (since === undefined) return undefined;
  return Math.max(0, since + minReadySeconds * 1000 - nowMs);
}

/** The highest restart count of the pod's (app) containers. */
export function maxContainerRestarts(p: Readonly<Pod>): number {
  let max = 0;
  for (const c of p.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

export function podKey(p: Readonly<Pod>): string {
  return `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
}
