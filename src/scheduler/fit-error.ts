// The FailedScheduling message (framework.FitError.Error, kube 1.32):
//   "0/N nodes are available: <count> <reason>, ... [sorted]. preemption: 0/N nodes are available: ..."
// The preemption part is what DefaultPreemption's PostFilter reports when no victim can help: nodes
// rejected as unresolvable are "Preemption is not helpful for scheduling"; the others had no victims
// (k8ts does not preempt), as kube says when no lower-priority pod could make room.
import type { Diagnosis } from './framework.js';
import type { PluginStatus, PodInfo } from './types.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(', ');
}

function add(counts: Map<string, number>, reason: string, n: number): void {
  counts.set(reason, (counts.get(reason) ?? 0) + n);
}

/** FitError.Error without the PostFilter part. */
export function filterMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) return `${msg} ${d.preFilterMsg}.`;
  const counts = new Map<string, number>();
  for (const s of d.nodeStatuses.values()) for (const r of s.reasons) add(counts, r, 1);
  const absent = d.numAllNodes - d.nodeStatuses.size;
  if (d.absentStatus && absent > 0) for (const r of d.absentStatus.reasons) add(counts, r, absent);
  const h = histogram(counts);
  if (h) msg += ` ${h}.`;
  return msg;
}

/** What DefaultPreemption's PostFilter says when it finds no candidate (without preempting anyone). */
export function preemptionMessage(pod: PodInfo, d: Diagnosis): string {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const counts = new Map<string, number>();
  const verdict = (s: PluginStatus): string => (s.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS);
  for (const s of d.nodeStatuses.values()) add(counts, verdict(s), 1);
  const absent = d.numAllNodes - d.nodeStatuses.size;
  if (absent > 0) add(counts, d.absentStatus ? verdict(d.absentStatus) : PREEMPTION_NOT_HELPFUL, absent);
  return `preemption: 0/${d.numAllNodes} nodes are available: ${histogram(counts)}.`;
}

/** The whole message, as the FailedScheduling event and the PodScheduled condition carry it. */
export function fitErrorMessage(pod: PodInfo, d: Diagnosis): string {
  return `${filterMessage(d)} ${preemptionMessage(pod, d)}`;
}
