// PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread): for each DoNotSchedule
// constraint, placing the pod in a domain must keep (matching pods there + 1 − the smallest domain's
// count) ≤ maxSkew; ScheduleAnyway constraints score nodes with fewer matching pods higher.
// Counts come from the cache's incremental indexes; only nodes having every constraint's topology
// key (and, by default, matching the pod's node affinity) count as domains.
import { matches, selectorString, type LabelSelector } from '../../machinery/labels.js';
import { LABEL_HOSTNAME, type TopologySpreadConstraint } from '../api-types.js';
import { mergedSelector } from '../affinity-term.js';
import type { NodeInfo } from '../node-info.js';
import { requiredNodeAffinity, requiredNodeAffinityMatches, type RequiredNodeAffinity } from '../node-selector.js';
import { doNotScheduleTaint, findUntoleratedTaint } from '../tolerations.js';
import {
  SKIP, SUCCESS, MAX_NODE_SCORE, errorStatus, reject,
  type ClusterView, type Plugin, type PodInfo, type PodMatcher, type PreFilterResult,
} from '../types.js';

export const name = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const REJECTED_LABEL = reject('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
const REJECTED_SKEW = reject('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);

export interface Constraint {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly minDomains: number;
  readonly selector: LabelSelector;
  readonly matcher: PodMatcher;
  /** 1 when the pod itself matches the selector. */
  readonly selfMatch: number;
  readonly honorAffinity: boolean;
  readonly honorTaints: boolean;
}

/** The pod's constraints of one kind, with matchLabelKeys merged into their selectors. */
export function constraintsOf(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const out: Constraint[] = [];
  for (const c of (pod.pod.spec?.topologySpreadConstraints ?? []) as readonly TopologySpreadConstraint[]) {
    if (c.whenUnsatisfiable !== when) continue;
    const selector = mergedSelector(c.labelSelector, pod.labels, c.matchLabelKeys);
    const ns = pod.namespace;
    const key = `spread:${ns}|${selector.nothing ? '<nothing>' : selectorString(selector)}`;
    out.push({
      topologyKey: c.topologyKey,
      maxSkew: c.maxSkew,
      minDomains: c.minDomains ?? 1,
      selector,
      // countPodsMatchSelector: same namespace, not terminating, labels match.
      matcher: { key, matches: (p) => p.namespace === ns && !p.terminating && matches(selector, p.labels) },
      selfMatch: matches(selector, pod.labels) ? 1 : 0,
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/** Matching pods per domain of each constraint, over the nodes that count. */
interface DomainCounts {
  readonly counts: ReadonlyMap<string, number>;
  /** Domains present among counted nodes (all values of the key, for the global minimum). */
  readonly domains: ReadonlySet<string> | ReadonlyMap<string, number>;
}

function hasAllKeys(node: NodeInfo, cs: readonly Constraint[]): boolean {
  for (const c of cs) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

function includes(c: Constraint, pod: PodInfo, node: NodeInfo, affinity: RequiredNodeAffinity | undefined): boolean {
  if (c.honorAffinity && affinity && !requiredNodeAffinityMatches(affinity, node)) return false;
  if (c.honorTaints && findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint)) return false;
  return true;
}

/**
 * Counts per constraint. Fast path when every node counts (no inclusion policy excludes any and every
 * node carries every key): the cache's per-domain indexes answer directly. Otherwise walk the nodes
 * once, adding each counted node's per-node count.
 */
export function domainCounts(pod: PodInfo, cs: readonly Constraint[], cluster: ClusterView): DomainCounts[] {
  const affinity = requiredNodeAffinity(pod.pod.spec);
  const total = cluster.nodeList().length;
  const fast = cs.every((c) => !(c.honorAffinity && affinity) && !c.honorTaints && cluster.nodesWithLabel(c.topologyKey) === total);
  if (fast) return cs.map((c) => ({ counts: cluster.podMatches(c.matcher).domains(c.topologyKey), domains: cluster.labelDomains(c.topologyKey) }));
  const perNode = cs.map((c) => cluster.podMatches(c.matcher).perNode);
  const out = cs.map(() => ({ counts: new Map<string, number>(), domains: new Set<string>() }));
  for (const node of cluster.nodeList()) {
    if (!hasAllKeys(node, cs)) continue;
    cs.forEach((c, i) => {
      if (!includes(c, pod, node, affinity)) return;
      const v = node.labels[c.topologyKey] as string;
      const o = out[i] as { counts: Map<string, number>; domains: Set<string> };
      o.domains.add(v);
      const n = perNode[i]?.get(node.name) ?? 0;
      if (n > 0) o.counts.set(v, (o.counts.get(v) ?? 0) + n);
    });
  }
  return out;
}

/** The smallest count over the domains; 0 when fewer domains exist than minDomains. */
export function globalMinimum(d: DomainCounts, minDomains: number): number {
  const nDomains = d.domains.size;
  if (nDomains < minDomains) return 0;
  if (d.counts.size < nDomains) {
    // Some domain has no matching pod, unless counts holds values outside the domains: check.
    for (const v of d.domains.keys()) if (!d.counts.has(v)) return 0;
  }
  let min = Infinity;
  for (const v of d.domains.keys()) min = Math.min(min, d.counts.get(v) ?? 0);
  return min === Infinity ? 0 : min;
}

interface FilterState { constraints: Constraint[]; counts: DomainCounts[]; minimums: number[] }
interface ScoreState { constraints: Constraint[]; counts: DomainCounts[]; weights: number[]; perNode: ReadonlyMap<string, number>[] }

const FILTER_STATE = `PreFilter${name}`;
const SCORE_STATE = `PreScore${name}`;

/** Skew check of one node against precomputed counts (Filter). */
export function spreadFits(s: FilterState, node: NodeInfo): 'ok' | 'missing-label' | 'skew' {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const v = node.labels[c.topologyKey];
    if (v === undefined) return 'missing-label';
    const skew = ((s.counts[i] as DomainCounts).counts.get(v) ?? 0) + c.selfMatch - (s.minimums[i] as number);
    if (skew > c.maxSkew) return 'skew';
  }
  return 'ok';
}

export const plugin = {
  name,
  preFilter(state, pod, cluster): PreFilterResult {
    let constraints: Constraint[];
    try { constraints = constraintsOf(pod, 'DoNotSchedule'); } catch (e) { return { status: errorStatus((e as Error).message) }; }
    if (constraints.length === 0) return { status: SKIP };
    const counts = domainCounts(pod, constraints, cluster);
    const minimums = constraints.map((c, i) => globalMinimum(counts[i] as DomainCounts, c.minDomains));
    state.write(FILTER_STATE, { constraints, counts, minimums } satisfies FilterState);
    return { status: SUCCESS };
  },
  filter(state, _pod, node) {
    const s = state.read<FilterState>(FILTER_STATE);
    if (!s) return SUCCESS;
    switch (spreadFits(s, node)) {
      case 'ok': return SUCCESS;
      case 'missing-label': return REJECTED_LABEL;
      default: return REJECTED_SKEW;
    }
  },
  preScore(state, pod, nodes, cluster) {
    let constraints: Constraint[];
    try { constraints = constraintsOf(pod, 'ScheduleAnyway'); } catch (e) { return errorStatus((e as Error).message); }
    if (constraints.length === 0) return SKIP;
    const counts = domainCounts(pod, constraints, cluster);
    // Normalizing weight per constraint: log(number of domains among the candidate nodes + 2).
    const weights = constraints.map((c) => {
      if (c.topologyKey === LABEL_HOSTNAME) return Math.log(nodes.filter((n) => hasAllKeys(n, constraints)).length + 2);
      const vals = new Set<string>();
      for (const n of nodes) if (hasAllKeys(n, constraints)) vals.add(n.labels[c.topologyKey] as string);
      return Math.log(vals.size + 2);
    });
    const perNode = constraints.map((c) => cluster.podMatches(c.matcher).perNode);
    state.write(SCORE_STATE, { constraints, counts, weights, perNode } satisfies ScoreState);
    return SUCCESS;
  },
  score(state, _pod, node) {
    const s = state.read<ScoreState>(SCORE_STATE);
    if (!s || !hasAllKeys(node, s.constraints)) return -1; // ignored node
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey] as string;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? (s.perNode[i]?.get(node.name) ?? 0) : ((s.counts[i] as DomainCounts).counts.get(v) ?? 0);
      score += cnt * (s.weights[i] as number) + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalizeScore(_state, _pod, scores) {
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (s < 0) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i] as number;
      if (s < 0) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
    }
  },
} satisfies Plugin;
