// InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): a node passes when
//  - each required affinity term finds a matching pod in the node's topology domain (or no pod in the
//    cluster matches and the pod matches its own terms: the first of a group may go anywhere);
//  - no required anti-affinity term finds a matching pod in the node's domain;
//  - no existing pod's required anti-affinity term, in the node's domain, matches this pod.
// Preferred terms (the pod's, and existing pods' towards it) score. Counts per domain come from the
// cache's indexes instead of a walk over every pod.
import { allTermsMatcher, termMatcher, termMatches } from '../affinity-term.js';
import type { NodeInfo } from '../node-info.js';
import { SKIP, SUCCESS, MAX_NODE_SCORE, errorStatus, reject, type ClusterView, type Plugin, type PodInfo, type PreFilterResult } from '../types.js';

export const name = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
const REJECTED_AFFINITY = reject('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY);
const REJECTED_ANTI_AFFINITY = reject('Unschedulable', ERR_REASON_ANTI_AFFINITY);
const REJECTED_EXISTING = reject('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY);

/** Pods matching a term per value of its topology key. */
interface DomainTerm { readonly key: string; readonly counts: ReadonlyMap<string, number> }
interface WeightedDomainTerm extends DomainTerm { readonly weight: number }

interface FilterState {
  affinity: DomainTerm[];
  /** No pod anywhere matches all affinity terms, and the pod matches them itself. */
  affinityFirstOfGroup: boolean;
  antiAffinity: DomainTerm[];
  existingAntiAffinity: DomainTerm[];
}

const FILTER_STATE = `PreFilter${name}`;
const SCORE_STATE = `PreScore${name}`;
/** Weight of existing pods' required affinity terms in scoring (InterPodAffinityArgs.hardPodAffinityWeight). */
export const HARD_POD_AFFINITY_WEIGHT = 1;

function inDomain(t: DomainTerm, node: NodeInfo): boolean {
  const v = node.labels[t.key];
  return v !== undefined && (t.counts.get(v) ?? 0) > 0;
}

export function computeFilterState(pod: PodInfo, cluster: ClusterView): FilterState {
  const nsLabels = (ns: string) => cluster.namespaceLabels(ns);
  const antiAffinity = pod.requiredAntiAffinity.map((t) => ({ key: t.topologyKey, counts: cluster.podMatches(termMatcher(t, nsLabels)).domains(t.topologyKey) }));
  let affinity: DomainTerm[] = [];
  let affinityFirstOfGroup = false;
  if (pod.requiredAffinity.length > 0) {
    const counts = cluster.podMatches(allTermsMatcher(pod.requiredAffinity, nsLabels));
    affinity = pod.requiredAffinity.map((t) => ({ key: t.topologyKey, counts: counts.domains(t.topologyKey) }));
    affinityFirstOfGroup = affinity.every((a) => a.counts.size === 0) && pod.requiredAffinity.every((t) => termMatches(t, pod, nsLabels));
  }
  const existingAntiAffinity: DomainTerm[] = [];
  for (const g of cluster.existingTermGroups()) {
    if (g.kind === 'requiredAntiAffinity' && g.domains.size > 0 && termMatches(g.term, pod, nsLabels)) {
      existingAntiAffinity.push({ key: g.term.topologyKey, counts: g.domains });
    }
  }
  return { affinity, affinityFirstOfGroup, antiAffinity, existingAntiAffinity };
}

/** The Filter decision for one node: the first rule it breaks, or undefined. */
export function violatedRule(s: FilterState, node: NodeInfo): 'affinity' | 'anti-affinity' | 'existing-anti-affinity' | undefined {
  if (s.affinity.length > 0 && !s.affinityFirstOfGroup && !s.affinity.every((t) => inDomain(t, node))) return 'affinity';
  for (const t of s.antiAffinity) if (inDomain(t, node)) return 'anti-affinity';
  for (const t of s.existingAntiAffinity) if (inDomain(t, node)) return 'existing-anti-affinity';
  return undefined;
}

export const plugin = {
  name,
  preFilter(state, pod, cluster): PreFilterResult {
    if (pod.parseError) return { status: errorStatus(`parsing pod: ${pod.parseError}`) };
    const s = computeFilterState(pod, cluster);
    if (s.affinity.length === 0 && s.antiAffinity.length === 0 && s.existingAntiAffinity.length === 0) return { status: SKIP };
    state.write(FILTER_STATE, s);
    return { status: SUCCESS };
  },
  filter(state, _pod, node) {
    const s = state.read<FilterState>(FILTER_STATE);
    if (!s) return SUCCESS;
    switch (violatedRule(s, node)) {
      case undefined: return SUCCESS;
      case 'affinity': return REJECTED_AFFINITY;
      case 'anti-affinity': return REJECTED_ANTI_AFFINITY;
      default: return REJECTED_EXISTING;
    }
  },
  preScore(state, pod, _nodes, cluster) {
    const nsLabels = (ns: string) => cluster.namespaceLabels(ns);
    const terms: WeightedDomainTerm[] = [];
    for (const t of pod.preferredAffinity) terms.push({ key: t.topologyKey, weight: t.weight, counts: cluster.podMatches(termMatcher(t, nsLabels)).domains(t.topologyKey) });
    for (const t of pod.preferredAntiAffinity) terms.push({ key: t.topologyKey, weight: -t.weight, counts: cluster.podMatches(termMatcher(t, nsLabels)).domains(t.topologyKey) });
    if (cluster.hasPodsWithAffinity()) {
      for (const g of cluster.existingTermGroups()) {
        if (g.kind === 'requiredAntiAffinity' || g.domains.size === 0 || !termMatches(g.term, pod, nsLabels)) continue;
        const weight = g.kind === 'requiredAffinity' ? HARD_POD_AFFINITY_WEIGHT : g.kind === 'preferredAffinity' ? g.weight : -g.weight;
        terms.push({ key: g.term.topologyKey, weight, counts: g.domains });
      }
    }
    if (terms.length === 0) return SKIP;
    state.write(SCORE_STATE, terms);
    return SUCCESS;
  },
  score(state, _pod, node) {
    let s = 0;
    for (const t of state.read<WeightedDomainTerm[]>(SCORE_STATE) ?? []) {
      const v = node.labels[t.key];
      if (v !== undefined) s += (t.counts.get(v) ?? 0) * t.weight;
    }
    return s;
  },
  normalizeScore(_state, _pod, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) { if (s < min) min = s; if (s > max) max = s; }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * ((scores[i] as number) - min)) / diff) : 0;
  },
} satisfies Plugin;
