// NodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go):
// prefers nodes whose cpu and memory would be used in equal shares after placing the pod.
import type { NodeInfo } from '../node-info.js';
import { SKIP, SUCCESS, MAX_NODE_SCORE, type Plugin, type PodInfo } from '../types.js';

export const name = 'NodeResourcesBalancedAllocation';

/** 100 × (1 − standard deviation of the requested/allocatable fractions), using actual requests. */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const fractions: number[] = [];
  const alloc = node.allocatable;
  if (alloc.milliCpu !== 0) fractions.push(Math.min(1, (node.requested.milliCpu + pod.requests.milliCpu) / alloc.milliCpu));
  if (alloc.memory !== 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / alloc.memory));
  let std = 0;
  if (fractions.length === 2) std = Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const plugin = {
  name,
  // A pod requesting nothing changes no balance: every node would score alike.
  preScore: (_state, pod) => (pod.requests.milliCpu === 0 && pod.requests.memory === 0 ? SKIP : SUCCESS),
  score: (_state, pod, node) => balancedAllocationScore(pod, node),
} satisfies Plugin;
