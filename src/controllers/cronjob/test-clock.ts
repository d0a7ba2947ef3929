// Test helper: a clock that runs with real time but can jump ahead, waking every sleeper whose
// time has come — so a test can reach a CronJob's next minute without waiting for it.
import type { Clock } from '../../machinery/clock.js';

interface Sleeper { at: number; wake(): void }

export class JumpClock implements Clock {
  #offset = 0;
  readonly #sleepers = new Set<Sleeper>();

  now(): number { return Date.now() + this.#offset; }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) { reject(signal.reason); return; }
      const sleeper: Sleeper = {
        at: this.now() + ms,
        wake: () => { clearTimeout(timer); this.#sleepers.delete(sleeper); signal?.removeEventListener('abort', onAbort); resolve(); },
      };
      // setTimeout holds at most 2^31-1 ms; a longer sleep only ends by advance().
      const timer = ms < 2 ** 31 ? setTimeout(() => sleeper.wake(), Math.max(0, ms)) : undefined;
      const onAbort = () => { clearTimeout(timer); this.#sleepers.delete(sleeper); reject(signal?.reason); };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
    });
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#offset += ms;
    const now = this.now();
    for (const s of [...this.#sleepers]) if (s.at <= now) s.wake();
  }

  /** Moves time forward to `t` (epoch ms), if it is ahead. */
  advanceTo(t: number): void {
    const d = t - this.now();
    if (d > 0) this.advance(d);
  }
}
