// NodeResourcesFit (pkg/scheduler/framework/plugins/noderesources/fit.go): the pod's requests must
// fit in the node's allocatable minus what its pods (bound and assumed) request, and the node must
// have room for one more pod. Scores with LeastAllocated over cpu and memory (weights 1, 1).
import type { NodeInfo } from '../node-info.js';
import { SUCCESS, MAX_NODE_SCORE, rejectAll, type Plugin, type PodInfo } from '../types.js';

export const name = 'NodeResourcesFit';

export interface Insufficient { resource: string; reason: string; requested: number; used: number; capacity: number }

/** fitsRequest: every resource the pod lacks on the node, with kube's reasons ("Insufficient cpu", "Too many pods"). */
export function insufficientResources(pod: PodInfo, node: NodeInfo): Insufficient[] {
  const out: Insufficient[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.podCount + 1 > alloc.pods) out.push({ resource: 'pods', reason: 'Too many pods', requested: 1, used: node.podCount, capacity: alloc.pods });
  const req = pod.requests;
  if (req.milliCpu === 0 && req.memory === 0 && req.ephemeralStorage === 0 && !req.scalar) return out;
  if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
    out.push({ resource: 'cpu', reason: 'Insufficient cpu', requested: req.milliCpu, used: used.milliCpu, capacity: alloc.milliCpu });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resource: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({ resource: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage', requested: req.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage });
  }
  if (req.scalar) {
    for (const [r, q] of req.scalar) {
      if (q === 0) continue;
      const cap = alloc.scalar?.get(r) ?? 0;
      const u = used.scalar?.get(r) ?? 0;
      if (q > cap - u) out.push({ resource: r, reason: `Insufficient ${r}`, requested: q, used: u, capacity: cap });
    }
  }
  return out;
}

/** Whether the pod fits (the allocation-free check Filter runs first; insufficientResources says why not). */
export function fitsResources(pod: PodInfo, node: NodeInfo): boolean {
  const alloc = node.allocatable;
  const used = node.requested;
  const req = pod.requests;
  if (node.podCount + 1 > alloc.pods) return false;
  if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) return false;
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) return false;
  if (req.scalar) {
    for (const [r, q] of req.scalar) if (q !== 0 && q > (alloc.scalar?.get(r) ?? 0) - (used.scalar?.get(r) ?? 0)) return false;
  }
  return true;
}

/** leastRequestedScore: the share of capacity left free after placing the pod, 0..100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated over cpu and memory (weight 1 each), with the scheduler's non-zero requests. */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const alloc = node.allocatable;
  let score = 0;
  let weights = 0;
  if (alloc.milliCpu !== 0) { score += leastRequestedScore(node.nonZeroRequested.milliCpu + pod.nonZeroRequests.milliCpu, alloc.milliCpu); weights++; }
  if (alloc.memory !== 0) { score += leastRequestedScore(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, alloc.memory); weights++; }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}

export const plugin = {
  name,
  filter(_state, pod, node) {
    if (fitsResources(pod, node)) return SUCCESS;
    const lack = insufficientResources(pod, node);
    return lack.length === 0 ? SUCCESS : rejectAll('Unschedulable', lack.map((l) => l.reason));
  },
  score: (_state, pod, node) => leastAllocatedScore(pod, node),
} satisfies Plugin;
