// Running N timed operations with at most K in flight (a sliding window: a new one starts as soon as
// one finishes), and the latency summary each round prints.
import { percentile } from '../lib/stats.js';

export async function slidingWindow<T>(total: number, inFlight: number, op: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, async () => {
    for (let i = next++; i < total; i = next++) out[i] = await op(i);
  }));
  return out;
}

export interface Latency { n: number; p50: number; p90: number; p99: number; max: number; mean: number }

export function latency(ms: readonly number[]): Latency {
  const s = ms.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p99: r(percentile(s, 99)),
    max: r(s[s.length - 1] ?? NaN),
    mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}
