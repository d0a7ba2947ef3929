// Time as a dependency: queues, leases, backoff and timestamps take a Clock so tests can drive time.

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// setTimeout fires at once for delays of 2^31 ms or more: longer sleeps are taken in slices.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const until = Date.now() + ms;
    let t: ReturnType<typeof setTimeout>;
    const onAbort = () => { clearTimeout(t); reject(signal?.reason); };
    const arm = () => {
      const left = until - Date.now();
      if (left <= 0 && t !== undefined) { signal?.removeEventListener('abort', onAbort); resolve(); return; }
      t = setTimeout(arm, Math.min(Math.max(left, 0), MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  }),
};
