// The arithmetic of a PodDisruptionBudget's status (pkg/controller/disruption/disruption.go), pure:
// healthy pods, the disruptions allowed, the pods an eviction has claimed (status.disruptedPods,
// written by the eviction subresource) and when those claims expire, and the DisruptionAllowed
// condition. The eviction handler admits an eviction only when observedGeneration has caught up
// with the budget's generation and disruptionsAllowed > 0, then decrements it and records the pod
// in disruptedPods; a recorded pod is not counted healthy until the claim expires.
import type { LabelSelectorInput } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';
import { rfc3339 } from '../../machinery/object.js';
import { isPodReady, type Pod } from '../endpoints/index.js';

/** How long an eviction's claim on a pod lasts if the pod is not deleted (kube DeletionTimeout: 2 minutes). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export const CONDITION_DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const REASON_SUFFICIENT_PODS = 'SufficientPods';
export const REASON_INSUFFICIENT_PODS = 'InsufficientPods';
export const REASON_SYNC_FAILED = 'SyncFailed';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  observedGeneration?: number;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelectorInput };
  status?: PdbStatus;
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is; "N%" of `total`, rounded up or down.
 * Throws for a string that is not a percentage, as kube does.
 */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const pct = v.slice(0, -1);
  if (!/^-?\d+$/.test(pct)) throw new Error(`invalid value "${v}": strconv.Atoi: parsing "${pct}": invalid syntax`);
  const exact = (Number(pct) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface DisruptedPods {
  /** Claims still standing: pod name → time of the eviction. */
  pods: Record<string, string>;
  /** When the earliest standing claim expires (ms), if any. */
  recheckAt?: number;
  /** Pods that were claimed but not deleted in time. */
  expired: string[];
}

/** buildDisruptedPodMap: drops claims on pods that are gone, being deleted, or past the deletion timeout. */
export function standingDisruptions(pods: readonly Readonly<Pod>[], claimed: Readonly<Record<string, string>> | undefined, now: number): DisruptedPods {
  const out: DisruptedPods = { pods: {}, expired: [] };
  if (!claimed) return out;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const podName = pod.metadata?.name ?? '';
    const at = claimed[podName];
    if (at === undefined) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < now) { out.expired.push(podName); continue; }
    out.pods[podName] = at;
    if (out.recheckAt === undefined || expires < out.recheckAt) out.recheckAt = expires;
  }
  return out;
}

/** countHealthyPods: Ready, not being deleted, not claimed by a standing eviction. */
export function countHealthy(pods: readonly Readonly<Pod>[], disrupted: Readonly<Record<string, string>>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status flips. */
function setCondition(conditions: readonly Condition[], c: Omit<Condition, 'lastTransitionTime'>, now: number): Condition[] {
  const out = conditions.map((x) => ({ ...x }));
  const old = out.find((x) => x.type === c.type);
  if (!old) {
    out.push({ ...c, lastTransitionTime: rfc3339(now) });
    return out;
  }
  if (old.status !== c.status) old.lastTransitionTime = rfc3339(now);
  old.status = c.status;
  old.reason = c.reason;
  old.message = c.message;
  old.observedGeneration = c.observedGeneration;
  return out;
}

const sameMap = (a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean => {
  const ea = Object.entries(a ?? {});
  return ea.length === Object.keys(b ?? {}).length && ea.every(([k, v]) => b?.[k] === v);
};

/** pdbhelper.ConditionsAreUpToDate. */
function conditionUpToDate(pdb: Readonly<PodDisruptionBudget>): boolean {
  const st = pdb.status ?? {};
  const cond = st.conditions?.find((c) => c.type === CONDITION_DISRUPTION_ALLOWED);
  if (!cond || (st.observedGeneration ?? 0) !== (pdb.metadata?.generation ?? 0)) return false;
  return (st.disruptionsAllowed ?? 0) > 0
    ? cond.status === 'True' && cond.reason === REASON_SUFFICIENT_PODS
    : cond.status === 'False' && cond.reason === REASON_INSUFFICIENT_PODS;
}

export interface Counts { currentHealthy: number; desiredHealthy: number; expectedPods: number; disruptedPods: Record<string, string> }

/**
 * updatePdbStatus: the status to write, or undefined when the stored one is already right.
 * Disruptions are only allowed with at least one expected pod, so a budget whose pods have not
 * appeared yet is safe until this controller has seen them.
 */
export function nextStatus(pdb: Readonly<PodDisruptionBudget>, c: Counts, now: number): PdbStatus | undefined {
  let allowed = c.currentHealthy - c.desiredHealthy;
  if (c.expectedPods <= 0 || allowed <= 0) allowed = 0;
  const st = pdb.status ?? {};
  const generation = pdb.metadata?.generation ?? 0;
  if ((st.currentHealthy ?? 0) === c.currentHealthy && (st.desiredHealthy ?? 0) === c.desiredHealthy &&
    (st.expectedPods ?? 0) === c.expectedPods && (st.disruptionsAllowed ?? 0) === allowed &&
    sameMap(st.disruptedPods, c.disruptedPods) && (st.observedGeneration ?? 0) === generation && conditionUpToDate(pdb)) {
    return undefined;
  }
  const next: PdbStatus = {
    currentHealthy: c.currentHealthy, desiredHealthy: c.desiredHealthy, expectedPods: c.expectedPods,
    disruptionsAllowed: allowed, observedGeneration: generation,
  };
  if (Object.keys(c.disruptedPods).length) next.disruptedPods = c.disruptedPods;
  next.conditions = setCondition(st.conditions ?? [], allowed > 0
    ? { type: CONDITION_DISRUPTION_ALLOWED, status: 'True', reason: REASON_SUFFICIENT_PODS, message: '', observedGeneration: generation }
    : { type: CONDITION_DISRUPTION_ALLOWED, status: 'False', reason: REASON_INSUFFICIENT_PODS, message: '', observedGeneration: generation }, now);
  return next;
}

/** failSafe: when the status cannot be computed, at least allow no disruption (the eviction handler then refuses). */
export function failSafeStatus(pdb: Readonly<PodDisruptionBudget>, message: string, now: number): PdbStatus {
  const st = pdb.status ?? {};
  return {
    ...st,
    disruptionsAllowed: 0,
    conditions: setCondition(st.conditions ?? [], {
      type: CONDITION_DISRUPTION_ALLOWED, status: 'False', reason: REASON_SYNC_FAILED, message, observedGeneration: st.observedGeneration ?? 0,
    }, now),
  };
}
