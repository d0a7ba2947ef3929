// One scheduling cycle (pkg/scheduler/schedule_one.go schedulePod): PreFilter → Filter over enough
// nodes → PreScore → Score → NormalizeScore → weighted sum → the best node, ties broken at random.
// Synchronous: nothing can change the cache while a cycle runs, so no snapshot is needed.
import {
  CycleState, isRejection, reject,
  type ClusterView, type Plugin, type PluginStatus, type PodInfo,
} from './types.js';
import type { NodeInfo } from './node-info.js';

/** Why a pod fits nowhere (framework.Diagnosis): the status of every node examined. */
export interface Diagnosis {
  readonly numAllNodes: number;
  /** Per node that a filter rejected: its status. */
  readonly nodeStatuses: Map<string, PluginStatus>;
  /** Status of every node not in nodeStatuses (PreFilter rejection, or nodes PreFilter ruled out). */
  absentStatus?: PluginStatus;
  /** A PreFilter plugin's rejection message: replaces the per-node histogram. */
  preFilterMsg?: string;
  /** Plugins that rejected the pod somewhere: only cluster events they care about retry it. */
  readonly unschedulablePlugins: Set<string>;
}

export type CycleOutcome =
  | { readonly kind: 'scheduled'; readonly node: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | { readonly kind: 'unschedulable'; readonly diagnosis: Diagnosis }
  | { readonly kind: 'error'; readonly message: string; readonly plugin?: string };

export interface FrameworkOptions {
  plugins: readonly Plugin[];
  scoreWeights: Readonly<Record<string, number>>;
  /** 0 (default): adaptive, as kube: 50% − nodes/125, at least 5%, at least 100 nodes. */
  percentageOfNodesToScore?: number;
  /** Tie-break among equal best scores; Math.random by default. */
  random?: () => number;
}

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** numFeasibleNodesToFind: how many feasible nodes are enough to stop filtering. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
}

export const ERR_NO_NODES = 'no nodes available to schedule pods';

export class Framework {
  readonly #filters: readonly Plugin[];
  readonly #preFilters: readonly Plugin[];
  readonly #scorers: readonly { plugin: Plugin; weight: number }[];
  readonly #percentage: number;
  readonly #random: () => number;
  /** Where the next cycle starts looking, so every node gets its turn (nextStartNodeIndex). */
  #nextStart = 0;

  constructor(o: FrameworkOptions) {
    this.#filters = o.plugins.filter((p) => p.filter);
    this.#preFilters = o.plugins.filter((p) => p.preFilter);
    this.#scorers = o.plugins.filter((p) => p.score).map((plugin) => ({ plugin, weight: o.scoreWeights[plugin.name] ?? 1 }));
    this.#percentage = o.percentageOfNodesToScore ?? 0;
    this.#random = o.random ?? Math.random;
  }

  schedule(pod: PodInfo, cluster: ClusterView): CycleOutcome {
    const allNodes = cluster.nodeList();
    if (allNodes.length === 0) return { kind: 'error', message: ERR_NO_NODES };
    const state = new CycleState();
    const diagnosis: Diagnosis = { numAllNodes: allNodes.length, nodeStatuses: new Map(), unschedulablePlugins: new Set() };

    // PreFilter
    const skipFilter = new Set<string>();
    let allowed: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.#preFilters) {
      const r = (p.preFilter as NonNullable<Plugin['preFilter']>)(state, pod, cluster);
      const code = r.status.code;
      if (code === 'Skip') { skipFilter.add(p.name); continue; }
      if (code === 'Error') return { kind: 'error', message: r.status.reasons.join(', '), plugin: p.name };
      if (isRejection(r.status)) {
        diagnosis.absentStatus = r.status;
        diagnosis.preFilterMsg = r.status.reasons.join(', ');
        diagnosis.unschedulablePlugins.add(p.name);
        return { kind: 'unschedulable', diagnosis };
      }
      if (r.nodeNames) {
        narrowedBy.push(p.name);
        allowed = allowed ? new Set([...allowed].filter((n) => r.nodeNames?.has(n))) : new Set(r.nodeNames);
        if (allowed.size === 0) {
          const msg = narrowedBy.length === 1 ? `node(s) didn't satisfy plugin ${narrowedBy[0]}` : `node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`;
          diagnosis.absentStatus = reject('Unschedulable', msg);
          diagnosis.preFilterMsg = msg;
          for (const n of narrowedBy) diagnosis.unschedulablePlugins.add(n);
          return { kind: 'unschedulable', diagnosis };
        }
      }
    }

    let candidates: readonly NodeInfo[] = allNodes;
    if (allowed) {
      const list: NodeInfo[] = [];
      for (const n of allowed) { const ni = cluster.node(n); if (ni?.node) list.push(ni); }
      candidates = list;
      diagnosis.absentStatus = reject('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${[...narrowedBy].sort().join(' ')}]`);
      for (const n of narrowedBy) diagnosis.unschedulablePlugins.add(n);
    }

    // Filter, from where the last cycle stopped, until enough nodes fit.
    const filters = this.#filters.filter((p) => !skipFilter.has(p.name));
    const want = numFeasibleNodesToFind(candidates.length, this.#percentage);
    const feasible: NodeInfo[] = [];
    const n = candidates.length;
    let processed = 0;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = candidates[(this.#nextStart + i) % n] as NodeInfo;
      processed++;
      let failed: PluginStatus | undefined;
      for (const f of filters) {
        const s = (f.filter as NonNullable<Plugin['filter']>)(state, pod, node);
        if (s.code === 'Success') continue;
        if (s.code === 'Error') return { kind: 'error', message: s.reasons.join(', '), plugin: f.name };
        failed = s;
        diagnosis.unschedulablePlugins.add(f.name);
        break;
      }
      if (failed) diagnosis.nodeStatuses.set(node.name, failed);
      else feasible.push(node);
    }
    this.#nextStart = (this.#nextStart + processed) % allNodes.length;

    if (feasible.length === 0) return { kind: 'unschedulable', diagnosis };
    if (feasible.length === 1) return { kind: 'scheduled', node: (feasible[0] as NodeInfo).name, evaluatedNodes: processed, feasibleNodes: 1 };

    // PreScore, Score, NormalizeScore, weights.
    const total = new Array<number>(feasible.length).fill(0);
    for (const { plugin, weight } of this.#scorers) {
      if (plugin.preScore) {
        const s = plugin.preScore(state, pod, feasible, cluster);
        if (s.code === 'Skip') continue;
        if (s.code === 'Error') return { kind: 'error', message: s.reasons.join(', '), plugin: plugin.name };
      }
      const score = plugin.score as NonNullable<Plugin['score']>;
      const scores = feasible.map((node) => score(state, pod, node));
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) total[i] = (total[i] as number) + (scores[i] as number) * weight;
    }

    return { kind: 'scheduled', node: this.#select(feasible, total), evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  /** selectHost: the highest total; among equals each is equally likely (reservoir sampling). */
  #select(nodes: readonly NodeInfo[], total: readonly number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      const s = total[i] as number;
      if (s > (total[best] as number)) { best = i; ties = 1; }
      else if (s === total[best]) { ties++; if (this.#random() * ties < 1) best = i; }
    }
    return (nodes[best] as NodeInfo).name;
  }
}
