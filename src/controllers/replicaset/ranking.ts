// Which pods a ReplicaSet deletes first when it has too many (kube's ActivePodsWithRanks,
// pkg/controller/controller_utils.go, with the PodDeletionCost and LogarithmicScaleDown
// features on, as they are by default): unscheduled before scheduled, Pending before Unknown
// before Running, not ready before ready, lower pod-deletion-cost first, pods doubled up on a node
// with related pods first, recently ready before long ready, more restarts first, newer first.
import { isPodActive, isPodReady, maxContainerRestarts, podReadySince } from './pods.js';
import type { Pod } from './types.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/** The pod-deletion-cost annotation as an int32; 0 when absent or not a plain integer. */
export function deletionCost(p: Readonly<Pod>): number {
  const v = p.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^-?(0|[1-9][0-9]*)$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function timeOf(s: string | undefined): number | undefined {
  const ms = s ? Date.parse(s) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** afterOrZero: a missing time counts as after any other. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** log2 of the age in nanoseconds, truncated (-1 for no age): times within one power of two rank equal. */
function logRank(t: number, nowMs: number): number {
  const ageNs = (nowMs - t) * 1e6;
  return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
}

/** Compares two times newer-first, in logarithmic buckets; ties broken by uid. */
function newerFirst(a: Readonly<Pod>, ta: number | undefined, b: Readonly<Pod>, tb: number | undefined, nowMs: number): boolean {
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logRank(ta, nowMs) - logRank(tb, nowMs);
  if (diff === 0) return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
  return diff < 0;
}

interface Ranked { pod: Readonly<Pod>; rank: number }

/** Less(i, j): true when `a` should be deleted before `b`. */
function deleteBefore(a: Ranked, b: Ranked, nowMs: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = podReadySince(pa);
    const tb = podReadySince(pb);
    if (ta !== tb) return newerFirst(pa, ta, pb, tb, nowMs);
  }
  const xa = maxContainerRestarts(pa);
  const xb = maxContainerRestarts(pb);
  if (xa !== xb) return xa > xb;
  const ta = timeOf(pa.metadata?.creationTimestamp);
  const tb = timeOf(pb.metadata?.creationTimestamp);
  if (ta !== tb) return newerFirst(pa, ta, pb, tb, nowMs);
  return false;
}

/**
 * The `diff` pods of `pods` to delete (getPodsToDelete). `related` are the active pods of this
 * ReplicaSet and its siblings (same owner): a pod sharing its node with more of them goes first.
 */
export function podsToDelete(pods: readonly Readonly<Pod>[], related: readonly Readonly<Pod>[], diff: number, nowMs: number): Readonly<Pod>[] {
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked: Ranked[] = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, nowMs) ? -1 : deleteBefore(b, a, nowMs) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
