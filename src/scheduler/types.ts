// The scheduling framework's contracts (kube-scheduler pkg/scheduler/framework/interface.go):
// plugin statuses with codes and kube's reason strings, the parsed view of a pod, and the
// extension points a plugin may implement. Plugins are pure over these values: tests build
// NodeInfos from plain objects and call them directly.
import type { LabelSelector } from '../machinery/labels.js';
import type { Pod, Taint, Toleration } from './api-types.js';
import type { Resources } from './resources.js';
import type { NodeInfo } from './node-info.js';

/**
 * Success: the node passes. Unschedulable: fails now, preemption or cluster changes may help.
 * UnschedulableAndUnresolvable: fails, and preempting pods on that node would not help.
 * Error: an internal failure; the pod is retried with backoff. Skip: the plugin has nothing to
 * do for this pod (PreFilter / PreScore), so its Filter / Score are not called.
 */
export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

export interface PluginStatus {
  readonly code: Code;
  /** Human reasons, exactly as kube-scheduler words them; counted per node in FailedScheduling. */
  readonly reasons: readonly string[];
}

export const SUCCESS: PluginStatus = Object.freeze({ code: 'Success', reasons: Object.freeze([]) });
export const SKIP: PluginStatus = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) });

const statusCache = new Map<string, PluginStatus>();

/** A rejection with one reason; statuses are interned (filters run thousands of times a second). */
export function reject(code: 'Unschedulable' | 'UnschedulableAndUnresolvable', reason: string): PluginStatus {
  const k = `${code}\u0000${reason}`;
  let s = statusCache.get(k);
  if (!s) {
    s = Object.freeze({ code, reasons: Object.freeze([reason]) });
    if (statusCache.size > 10_000) statusCache.clear();
    statusCache.set(k, s);
  }
  return s;
}

export function rejectAll(code: 'Unschedulable' | 'UnschedulableAndUnresolvable', reasons: readonly string[]): PluginStatus {
  return reasons.length === 1 ? reject(code, reasons[0] as string) : Object.freeze({ code, reasons: Object.freeze([...reasons]) });
}

export function errorStatus(message: string): PluginStatus {
  return Object.freeze({ code: 'Error', reasons: Object.freeze([message]) });
}

export const isRejection = (s: PluginStatus): boolean => s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

/** A pod affinity term made ready to match (framework.AffinityTerm). */
export interface AffinityTerm {
  /** Namespaces the term selects explicitly (the pod's own when neither list nor selector is given). */
  readonly namespaces: ReadonlySet<string>;
  /** namespaceSelector; undefined when the term has none (then only `namespaces` count). */
  readonly nsSelector: LabelSelector | undefined;
  readonly selector: LabelSelector;
  readonly topologyKey: string;
  /** Canonical text of namespaces + nsSelector + selector: equal terms share one index. */
  readonly matcherKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm { readonly weight: number }

/** A host port a container claims: one per (hostIP, protocol, port); hostIP 0.0.0.0 means every address. */
export interface HostPort { readonly ip: string; readonly protocol: string; readonly port: number }

/** A pod as the scheduler sees it, parsed once (framework.PodInfo). Read-only. */
export interface PodInfo {
  readonly pod: Readonly<Pod>;
  readonly uid: string;
  /** namespace/name */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  /** metadata.deletionTimestamp is set. */
  readonly terminating: boolean;
  readonly tolerations: readonly Toleration[];
  readonly requests: Readonly<Resources>;
  /** cpu/memory requests with the scheduler's defaults for containers that set none (scoring only). */
  readonly nonZeroRequests: Readonly<Resources>;
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];
  /** Host ports the pod's containers claim. */
  readonly hostPorts: readonly HostPort[];
  /** A label selector in an affinity term that could not be parsed: the pod cannot be scheduled. */
  readonly parseError?: string;
}

/** A predicate over pods with a canonical key: the cache counts matching pods per node and domain. */
export interface PodMatcher {
  readonly key: string;
  /** The predicate reads namespace labels (a namespaceSelector): recount when those change. */
  readonly readsNamespaceLabels?: boolean;
  matches(p: PodInfo): boolean;
}

/** Counts of pods matching one PodMatcher, maintained incrementally by the cache. Read-only. */
export interface MatchCounts {
  /** Pods matched on all nodes. */
  readonly total: number;
  /** Matching pods per node name (absent: 0). */
  readonly perNode: ReadonlyMap<string, number>;
  /** Matching pods per value of `topologyKey`, over nodes that carry that label (absent: 0). */
  domains(topologyKey: string): ReadonlyMap<string, number>;
}

/** How existing pods' affinity terms act on the pod being scheduled (InterPodAffinity). */
export type ExistingTermKind = 'requiredAntiAffinity' | 'requiredAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

/** All existing pods that carry one same affinity term; `domains` counts them per topology value. */
export interface ExistingTermGroup {
  readonly kind: ExistingTermKind;
  readonly term: AffinityTerm;
  /** The term's weight (1 for required terms). */
  readonly weight: number;
  readonly domains: ReadonlyMap<string, number>;
}

/** What plugins may ask of the cluster during one scheduling cycle (the snapshot's listers). */
export interface ClusterView {
  /** Nodes in scheduling order. */
  nodeList(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  /** Nodes per value of a label key: the topology domains present. */
  labelDomains(key: string): ReadonlyMap<string, number>;
  /** How many nodes carry the label key. */
  nodesWithLabel(key: string): number;
  podMatches(matcher: PodMatcher): MatchCounts;
  existingTermGroups(): Iterable<ExistingTermGroup>;
  /** Whether any existing pod has pod affinity or anti-affinity terms (InterPodAffinity PreScore). */
  hasPodsWithAffinity(): boolean;
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  /** Number of nodes with at least one PreferNoSchedule taint. */
  nodesWithPreferNoScheduleTaints(): number;
}

/** Per-cycle data plugins compute in PreFilter/PreScore and read in Filter/Score (framework.CycleState). */
export class CycleState {
  readonly #data = new Map<string, unknown>();
  write(key: string, value: unknown): void { this.#data.set(key, value); }
  read<T>(key: string): T | undefined { return this.#data.get(key) as T | undefined; }
}

export interface PreFilterResult {
  readonly status: PluginStatus;
  /** Only these nodes can pass (e.g. NodeAffinity with matchFields metadata.name); undefined: all. */
  readonly nodeNames?: ReadonlySet<string>;
}

/**
 * A scheduling plugin: any subset of the extension points. PreFilter may return Skip (then
 * Filter is not called this cycle); PreScore may return Skip (then Score/NormalizeScore are not).
 * Score returns a raw number; NormalizeScore maps the scores of all nodes into 0..100 in place.
 */
export interface Plugin {
  readonly name: string;
  preFilter?(state: CycleState, pod: PodInfo, cluster: ClusterView): PreFilterResult;
  filter?(state: CycleState, pod: PodInfo, node: NodeInfo): PluginStatus;
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], cluster: ClusterView): PluginStatus;
  score?(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[]): void;
}

export const MAX_NODE_SCORE = 100;

export type { Taint, Toleration };
