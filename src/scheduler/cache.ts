// The scheduler's cache (pkg/scheduler/backend/cache): nodes with per-node aggregates, every pod
// bound or ASSUMED to a node, and the indexes plugins query. A pod is assumed the moment the
// scheduler picks its node, so the next pod already sees the node's capacity taken; the informer's
// "bound" event confirms it, a failed binding forgets it.
import type { Node, Pod } from './api-types.js';
import { NodeInfo } from './node-info.js';
import { PodMatchIndex } from './pod-match-index.js';
import { ExistingTermIndex } from './term-index.js';
import type { ClusterView, ExistingTermGroup, MatchCounts, PodInfo, PodMatcher } from './types.js';

interface PodState {
  info: PodInfo;
  node: string;
  /** Picked by this scheduler, not yet seen bound by the informer. */
  assumed: boolean;
}

const EMPTY_DOMAINS: ReadonlyMap<string, number> = new Map();

export class SchedulerCache implements ClusterView {
  readonly #nodes = new Map<string, NodeInfo>();
  /** Nodes that exist (have a Node object), in scheduling order. */
  readonly #list: NodeInfo[] = [];
  readonly #listIndex = new Map<string, number>();
  readonly #pods = new Map<string, PodState>();
  /** label key → value → number of nodes. */
  readonly #domains = new Map<string, Map<string, number>>();
  /** label key → number of nodes carrying it. */
  readonly #keyCounts = new Map<string, number>();
  readonly #nsLabels = new Map<string, Readonly<Record<string, string>>>();
  #preferNoScheduleNodes = 0;
  readonly #matches: PodMatchIndex;
  readonly #terms = new ExistingTermIndex();

  constructor(opts: { maxMatchIndexes?: number } = {}) {
    const self = this;
    this.#matches = new PodMatchIndex({
      *allPods() { for (const st of self.#pods.values()) { const n = self.#nodes.get(st.node); if (n) yield [st.info, n] as const; } },
      node: (name) => this.#nodes.get(name),
      ...(opts.maxMatchIndexes ? { maxEntries: opts.maxMatchIndexes } : {}),
    });
  }

  // ---- ClusterView ----

  nodeList(): readonly NodeInfo[] { return this.#list; }
  node(name: string): NodeInfo | undefined { return this.#nodes.get(name); }
  labelDomains(key: string): ReadonlyMap<string, number> { return this.#domains.get(key) ?? EMPTY_DOMAINS; }
  nodesWithLabel(key: string): number { return this.#keyCounts.get(key) ?? 0; }
  podMatches(matcher: PodMatcher): MatchCounts { return this.#matches.get(matcher); }
  existingTermGroups(): Iterable<ExistingTermGroup> { return this.#terms.groups(); }
  hasPodsWithAffinity(): boolean { return this.#terms.podsWithAffinity > 0; }
  namespaceLabels(ns: string): Readonly<Record<string, string>> | undefined { return this.#nsLabels.get(ns); }
  nodesWithPreferNoScheduleTaints(): number { return this.#preferNoScheduleNodes; }

  get nodeCount(): number { return this.#list.length; }
  get podCount(): number { return this.#pods.size; }

  // ---- nodes ----

  /** Adds or updates a node. Returns whether anything a plugin reads changed. */
  setNode(node: Readonly<Node>): boolean {
    const name = node.metadata?.name ?? '';
    let ni = this.#nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(name);
      this.#nodes.set(name, ni);
    }
    const before = ni.node;
    const changed = !before || schedulingRelevantChange(before, node);
    if (before) this.#untrackNode(ni);
    const relabel = ni.pods.size > 0 && !sameLabels(ni.labels, node.metadata?.labels);
    if (relabel) for (const p of ni.pods.values()) this.#unindexPod(p, ni);
    ni.setNode(node);
    if (relabel) for (const p of ni.pods.values()) this.#indexPod(p, ni);
    this.#trackNode(ni);
    if (!this.#listIndex.has(name)) {
      this.#listIndex.set(name, this.#list.length);
      this.#list.push(ni);
    }
    return changed;
  }

  removeNode(name: string): void {
    const ni = this.#nodes.get(name);
    if (!ni || !ni.node) return;
    this.#untrackNode(ni);
    const i = this.#listIndex.get(name);
    if (i !== undefined) {
      const last = this.#list.pop() as NodeInfo;
      if (last !== ni) { this.#list[i] = last; this.#listIndex.set(last.name, i); }
      this.#listIndex.delete(name);
    }
    if (ni.pods.size === 0) { this.#nodes.delete(name); return; }
    // Pods still bound to a deleted node keep counting (kube keeps such "imaginary" nodes) until deleted.
    for (const p of ni.pods.values()) this.#unindexPod(p, ni);
    ni.node = undefined;
    ni.labels = {};
    for (const p of ni.pods.values()) this.#indexPod(p, ni);
  }

  #trackNode(ni: NodeInfo): void {
    for (const k in ni.labels) {
      let m = this.#domains.get(k);
      if (!m) this.#domains.set(k, (m = new Map()));
      const v = ni.labels[k] as string;
      m.set(v, (m.get(v) ?? 0) + 1);
      this.#keyCounts.set(k, (this.#keyCounts.get(k) ?? 0) + 1);
    }
    if (ni.taints.some((t) => t.effect === 'PreferNoSchedule')) this.#preferNoScheduleNodes++;
  }

  #untrackNode(ni: NodeInfo): void {
    for (const k in ni.labels) {
      const m = this.#domains.get(k);
      if (!m) continue;
      const v = ni.labels[k] as string;
      const n = (m.get(v) ?? 0) - 1;
      if (n <= 0) m.delete(v); else m.set(v, n);
      if (m.size === 0) this.#domains.delete(k);
      const kc = (this.#keyCounts.get(k) ?? 0) - 1;
      if (kc <= 0) this.#keyCounts.delete(k); else this.#keyCounts.set(k, kc);
    }
    if (ni.taints.some((t) => t.effect === 'PreferNoSchedule')) this.#preferNoScheduleNodes--;
  }

  // ---- pods ----

  /** A pod the informer reports bound to `spec.nodeName` (new, updated, or confirming an assumed one). */
  setPod(info: PodInfo): void {
    const nodeName = info.pod.spec?.nodeName ?? '';
    const st = this.#pods.get(info.uid);
    if (st) this.#detach(st);
    this.#attach({ info, node: nodeName, assumed: false });
  }

  removePod(uid: string): void {
    const st = this.#pods.get(uid);
    if (!st) return;
    this.#detach(st);
    this.#pods.delete(uid);
  }

  /** The scheduler chose `nodeName` for the pod: count it there now (AssumePod). */
  assumePod(info: PodInfo, nodeName: string): void {
    const st = this.#pods.get(info.uid);
    if (st) this.#detach(st);
    this.#attach({ info, node: nodeName, assumed: true });
  }

  /** Binding failed: undo assumePod, unless the informer has meanwhile seen the pod bound. */
  forgetPod(uid: string): void {
    const st = this.#pods.get(uid);
    if (st?.assumed) { this.#detach(st); this.#pods.delete(uid); }
  }

  isAssumed(uid: string): boolean { return this.#pods.get(uid)?.assumed === true; }
  /** The node a pod is bound or assumed to, if the cache holds it. */
  nodeOf(uid: string): string | undefined { return this.#pods.get(uid)?.node; }

  setNamespaceLabels(ns: string, labels: Readonly<Record<string, string>> | undefined): void {
    const before = this.#nsLabels.get(ns);
    if (labels) this.#nsLabels.set(ns, labels); else this.#nsLabels.delete(ns);
    if (!sameLabels(before ?? {}, labels)) this.#matches.dropNamespaceDependent();
  }

  #attach(st: PodState): void {
    this.#pods.set(st.info.uid, st);
    let ni = this.#nodes.get(st.node);
    if (!ni) { ni = new NodeInfo(st.node); this.#nodes.set(st.node, ni); }
    ni.addPod(st.info);
    this.#indexPod(st.info, ni);
  }

  #detach(st: PodState): void {
    const ni = this.#nodes.get(st.node);
    if (!ni) return;
    if (ni.removePod(st.info)) this.#unindexPod(st.info, ni);
    if (!ni.node && ni.pods.size === 0) this.#nodes.delete(st.node);
  }

  #indexPod(p: PodInfo, ni: NodeInfo): void {
    this.#matches.podAdded(p, ni);
    this.#terms.podAdded(p, ni);
  }

  #unindexPod(p: PodInfo, ni: NodeInfo): void {
    this.#matches.podRemoved(p, ni);
    this.#terms.podRemoved(p, ni);
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  const bb = b ?? {};
  let n = 0;
  for (const k in a) { if (a[k] !== bb[k]) return false; n++; }
  for (const _ in bb) n--;
  return n === 0;
}

/** Whether a node update can change a scheduling decision (not a heartbeat or an image list). */
function schedulingRelevantChange(a: Readonly<Node>, b: Readonly<Node>): boolean {
  if (!sameLabels(a.metadata?.labels ?? {}, b.metadata?.labels)) return true;
  if ((a.spec?.unschedulable === true) !== (b.spec?.unschedulable === true)) return true;
  if (JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? [])) return true;
  if (JSON.stringify(a.status?.allocatable ?? a.status?.capacity ?? {}) !== JSON.stringify(b.status?.allocatable ?? b.status?.capacity ?? {})) return true;
  return false;
}

/** Pods in a terminal phase hold no resources: kube's scheduler does not cache them. */
export function isTerminal(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
