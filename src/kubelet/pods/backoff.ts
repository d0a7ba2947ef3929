// The kubelet's restart and image-pull back-off (pkg/util/flowcontrol.Backoff as kubelet uses it):
// per key, the delay starts at `baseMs` and doubles on each new failure up to `maxMs`; a key quiet
// for 2×max starts over.
export class Backoff {
  readonly #entries = new Map<string, { delayMs: number; failedAt: number; failure: string }>();

  constructor(readonly baseMs = 10_000, readonly maxMs = 300_000) {}

  /**
   * Records a failure identified by `failure` (e.g. the exited container's id) at `at`: a new
   * failure doubles the delay, the same one seen again changes nothing. Returns the delay.
   */
  failed(key: string, failure: string, at: number): number {
    const e = this.#entries.get(key);
    if (e && e.failure === failure) return e.delayMs;
    const fresh = !e || at - e.failedAt > 2 * this.maxMs;
    const delayMs = fresh ? this.baseMs : Math.min(e.delayMs * 2, this.maxMs);
    this.#entries.set(key, { delayMs, failedAt: at, failure });
    return delayMs;
  }

  /** Milliseconds still to wait before retrying `key` (0 when free). */
  remaining(key: string, now: number): number {
    const e = this.#entries.get(key);
    return e ? Math.max(0, e.failedAt + e.delayMs - now) : 0;
  }

  delay(key: string): number { return this.#entries.get(key)?.delayMs ?? 0; }

  reset(key: string): void { this.#entries.delete(key); }

  /** Drops every key that starts with `prefix` (a pod's keys when it goes). */
  forgetPrefix(prefix: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(prefix)) this.#entries.delete(k);
  }
}

/** "10s", "1m20s", "5m0s": Go's time.Duration format for whole seconds, as kubelet messages print. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m${s % 60}s`;
}
