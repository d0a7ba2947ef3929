// Per-node aggregates (framework.NodeInfo): the node's labels, taints and allocatable, and the sum of
// what its pods (bound and assumed) request, so a fit check is a few comparisons, never a pod scan.
import type { Node, Taint } from './api-types.js';
import { Resources, addResources, nodeAllocatable } from './resources.js';
import type { PodInfo } from './types.js';

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const NO_TAINTS: readonly Taint[] = Object.freeze([]);

export class NodeInfo {
  readonly name: string;
  /** Undefined while only pods bound to the node are known (they can arrive before the node). */
  node: Readonly<Node> | undefined;
  labels: Readonly<Record<string, string>> = NO_LABELS;
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  allocatable: Readonly<Resources> = new Resources();
  /** Sum of the requests of the pods here. */
  readonly requested = new Resources();
  /** Same, with the scheduler's defaults for containers without requests (scoring). */
  readonly nonZeroRequested = new Resources();
  /** pods.size, as a plain field for the filters' hot path. */
  podCount = 0;
  /** Host ports in use: "protocol/port" → hostIPs claiming it (one entry per claim). */
  readonly usedPorts = new Map<string, string[]>();
  /** Pods here by uid. */
  readonly pods = new Map<string, PodInfo>();
  /** Bumped on every change (tests and debugging). */
  generation = 0;

  constructor(name: string, node?: Readonly<Node>) {
    this.name = name;
    if (node) this.setNode(node);
  }

  setNode(node: Readonly<Node>): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? NO_LABELS;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node.status?.allocatable ?? node.status?.capacity);
    this.generation++;
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.uid, p);
    this.podCount = this.pods.size;
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k);
      if (ips) ips.push(hp.ip); else this.usedPorts.set(k, [hp.ip]);
    }
    addResources(this.requested, p.requests);
    addResources(this.nonZeroRequested, p.nonZeroRequests);
    this.generation++;
  }

  removePod(p: PodInfo): boolean {
    const had = this.pods.get(p.uid);
    if (!had) return false;
    this.pods.delete(p.uid);
    this.podCount = this.pods.size;
    for (const hp of had.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k);
      const i = ips ? ips.indexOf(hp.ip) : -1;
      if (ips && i >= 0) { ips.splice(i, 1); if (ips.length === 0) this.usedPorts.delete(k); }
    }
    addResources(this.requested, had.requests, -1);
    addResources(this.nonZeroRequested, had.nonZeroRequests, -1);
    this.generation++;
    return true;
  }
}

/** A NodeInfo built from plain objects (tests, and callers that check one node). */
export function nodeInfoOf(node: Readonly<Node>, pods: readonly PodInfo[] = []): NodeInfo {
  const ni = new NodeInfo(node.metadata?.name ?? '', node);
  for (const p of pods) ni.addPod(p);
  return ni;
}
