// The endpoints.kubernetes.io/last-change-trigger-time annotation (k8s.io/endpointslice/util
// trigger_time_tracker.go): the time of the earliest change, among the service and its pods, not yet
// reflected by a sync. A pod's change time is its Ready condition's lastTransitionTime, a service's
// its creationTimestamp; a service seen for the first time uses its creationTimestamp.
import type { Pod, Service } from './pods.js';

interface State { service: number; pods: Map<string, number> }

const time = (s: string | undefined): number => (s ? Date.parse(s) : 0) || 0;

const podTriggerTime = (p: Readonly<Pod>): number =>
  time(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);

export class TriggerTimeTracker {
  readonly #states = new Map<string, State>();

  /** Updates the state of `key` and returns the time to export (ms since epoch), or 0 for none. */
  compute(key: string, svc: Readonly<Service>, pods: readonly Readonly<Pod>[]): number {
    const state = this.#states.get(key);
    let min = 0;
    const next = new Map<string, number>();
    for (const p of pods) {
      const t = podTriggerTime(p);
      if (!t) continue;
      const podName = p.metadata?.name ?? '';
      next.set(podName, t);
      if (t > (state?.pods.get(podName) ?? 0) && (min === 0 || t < min)) min = t;
    }
    const svcTime = time(svc.metadata?.creationTimestamp);
    if (svcTime > (state?.service ?? 0) && (min === 0 || svcTime < min)) min = svcTime;
    this.#states.set(key, { service: svcTime, pods: next });
    return state ? min : svcTime;
  }

  delete(key: string): void { this.#states.delete(key); }
}

/** RFC 3339 with nanoseconds as Go's RFC3339Nano prints them (trailing zeros dropped). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}
