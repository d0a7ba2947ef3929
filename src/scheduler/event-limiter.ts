// The scheduler's events are best effort, as kube-scheduler's are: its event client is rate limited
// (--kube-api-qps 50, --kube-api-burst 100) and client-go's broadcaster drops events it cannot queue.
// Without a limit, one "Scheduled" event per pod would add a write per pod to the API server while
// thousands of pods are bound per second.
import type { EventRecorder } from '../client/index.js';
import type { Clock } from '../machinery/clock.js';

export interface EventLimit { perSecond: number; burst: number }

export const DEFAULT_EVENT_LIMIT: EventLimit = Object.freeze({ perSecond: 50, burst: 100 });

/** A recorder passing events to `inner` within a token bucket; the rest are dropped (counted). */
export function rateLimitedRecorder(inner: EventRecorder, clock: Clock, limit: EventLimit = DEFAULT_EVENT_LIMIT): EventRecorder & { readonly dropped: number } {
  let tokens = limit.burst;
  let last = clock.now();
  let dropped = 0;
  return {
    get dropped() { return dropped; },
    record(obj, type, reason, message) {
      const now = clock.now();
      tokens = Math.min(limit.burst, tokens + ((now - last) / 1000) * limit.perSecond);
      last = now;
      if (tokens < 1) { dropped++; return; }
      tokens--;
      inner.record(obj, type, reason, message);
    },
  };
}
