// Taints and tolerations (k8s.io/api/core/v1 toleration.go ToleratesTaint, v1helper
// FindMatchingUntoleratedTaint).
import type { Taint, Toleration } from './api-types.js';

/** Toleration.ToleratesTaint: effect and key must match when set; Exists ignores the value. */
export function toleratesTaint(t: Readonly<Toleration>, taint: Readonly<Taint>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '': case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}

export function tolerationsTolerateTaint(ts: readonly Toleration[], taint: Readonly<Taint>): boolean {
  for (const t of ts) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates, or undefined. */
export function findUntoleratedTaint(taints: readonly Taint[], ts: readonly Toleration[], filter: (t: Readonly<Taint>) => boolean): Taint | undefined {
  for (const taint of taints) if (filter(taint) && !tolerationsTolerateTaint(ts, taint)) return taint;
  return undefined;
}

/** The taints Filter enforces: NoSchedule and NoExecute. */
export const doNotScheduleTaint = (t: Readonly<Taint>): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
