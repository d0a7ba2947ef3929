// A resource's window of recent events: a circular buffer addressed by absolute sequence numbers,
// so a watcher's position stays valid while old events fall out (it compares its position with
// `start`). Events are kept in revision order.

import type { WatchEvent } from '../types.js';

export class EventRing {
  private events: (WatchEvent | undefined)[];
  private times: number[];
  private mask: number;
  /** Sequence number of the oldest event kept. */
  start = 0;
  /** Sequence number the next event gets. */
  end = 0;

  constructor(initialCapacity = 64) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.events = new Array<WatchEvent | undefined>(cap);
    this.times = new Array<number>(cap).fill(0);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.end - this.start;
  }

  push(ev: WatchEvent, at: number): number {
    if (this.size === this.events.length) this.grow();
    const seq = this.end++;
    this.events[seq & this.mask] = ev;
    this.times[seq & this.mask] = at;
    return seq;
  }

  /** Drops the oldest event; returns it. */
  shift(): WatchEvent | undefined {
    if (this.start === this.end) return undefined;
    const i = this.start & this.mask;
    const ev = this.events[i];
    this.events[i] = undefined; // its buffers may be garbage now
    this.start++;
    return ev;
  }

  /** The event at `seq` (start ≤ seq < end). */
  at(seq: number): WatchEvent {
    return this.events[seq & this.mask]!;
  }

  /** When the oldest event was added (undefined when empty). */
  oldestTime(): number | undefined {
    return this.start === this.end ? undefined : this.times[this.start & this.mask];
  }

  oldest(): WatchEvent | undefined {
    return this.start === this.end ? undefined : this.events[this.start & this.mask];
  }

  /** Sequence number of the first event with a revision above `revision` (end when none). */
  firstAfter(revision: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.at(mid).kv.modRevision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const cap = this.events.length * 2;
    const events = new Array<WatchEvent | undefined>(cap);
    const times = new Array<number>(cap).fill(0);
    const mask = cap - 1;
    for (let s = this.start; s < this.end; s++) {
      events[s & mask] = this.events[s & this.mask];
      times[s & mask] = this.times[s & this.mask]!;
    }
    this.events = events;
    this.times = times;
    this.mask = mask;
  }
}
