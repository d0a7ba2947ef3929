// Taints and tolerations (k8s.io/api/core/v1 toleration.go ToleratesTaint, v1helper
// FindMatchingUntoleratedTaint): one matching rule for the scheduler, the taint manager and
// the DaemonSet controller.

export interface Taint { key: string; value?: string; effect: string; timeAdded?: string }

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

/** Toleration.ToleratesTaint: effect and key must match when set; Exists ignores the value. */
export function toleratesTaint(t: Readonly<Toleration>, taint: Readonly<Taint>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator || 'Equal') {
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}

export function tolerationsTolerateTaint(ts: readonly Readonly<Toleration>[], taint: Readonly<Taint>): boolean {
  for (const t of ts) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates, or undefined. */
export function findUntoleratedTaint<T extends Taint>(taints: readonly T[], ts: readonly Readonly<Toleration>[], filter: (t: Readonly<T>) => boolean): T | undefined {
  for (const taint of taints) if (filter(taint) && !tolerationsTolerateTaint(ts, taint)) return taint;
  return undefined;
}
