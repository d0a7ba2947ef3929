// Completed indexes of an Indexed Job as sorted, merged intervals, written the way kube writes
// status.completedIndexes: "1,3-5,7" (two neighbours as "3,4"). (indexed_job_utils.go)

export interface Interval { first: number; last: number }

export type Intervals = readonly Interval[];

/** Parses status.completedIndexes, dropping indexes >= completions and corrupt parts. */
export function parseIntervals(text: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  if (!text) return out;
  for (const part of text.split(',')) {
    const [a, b, extra] = part.split('-');
    if (extra !== undefined || a === undefined || !/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) continue;
    const first = Number(a);
    if (first >= completions) break;
    const last = Math.min(b === undefined ? first : Number(b), completions - 1);
    if (last < first) continue;
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 >= first) prev.last = Math.max(prev.last, last);
    else out.push({ first, last });
  }
  return out;
}

/** A new list with `indexes` (ascending) merged in. */
export function withIndexes(iv: Intervals, indexes: readonly number[]): Interval[] {
  const all: Interval[] = [...iv.map((x) => ({ ...x })), ...indexes.map((i) => ({ first: i, last: i }))];
  all.sort((x, y) => x.first - y.first);
  const out: Interval[] = [];
  for (const x of all) {
    const prev = out[out.length - 1];
    if (prev && x.first <= prev.last + 1) prev.last = Math.max(prev.last, x.last);
    else out.push({ ...x });
  }
  return out;
}

export function total(iv: Intervals): number {
  return iv.reduce((n, x) => n + x.last - x.first + 1, 0);
}

export function has(iv: Intervals, ix: number): boolean {
  let lo = 0;
  let hi = iv.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((iv[mid] as Interval).last >= ix) hi = mid; else lo = mid + 1;
  }
  return hi < iv.length && (iv[hi] as Interval).first <= ix;
}

export function formatIntervals(iv: Intervals): string {
  return iv.map((x) => (x.last === x.first ? `${x.first}` : x.last === x.first + 1 ? `${x.first},${x.last}` : `${x.first}-${x.last}`)).join(',');
}

/** The first `count` indexes below `completions` that are neither done nor taken by an active pod. */
export function firstPendingIndexes(done: Intervals, active: readonly number[], count: number, completions: number): number[] {
  const out: number[] = [];
  if (count <= 0) return out;
  const taken = withIndexes(done, [...new Set(active)].sort((a, b) => a - b));
  let candidate = 0;
  for (const x of taken) {
    for (; candidate < completions && out.length < count && candidate < x.first; candidate++) out.push(candidate);
    if (candidate < x.last + 1) candidate = x.last + 1;
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}

/** How many indexes of `a` are also in `b`. */
export function intersectionCount(a: Intervals, b: Intervals): number {
  let n = 0;
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as Interval).last < x.first) j++;
    for (let k = j; k < b.length && (b[k] as Interval).first <= x.last; k++) {
      const y = b[k] as Interval;
      n += Math.min(x.last, y.last) - Math.max(x.first, y.first) + 1;
    }
  }
  return n;
}
