// Existing pods' affinity terms, grouped: every pod that carries the same term (same namespaces,
// selectors, topology key, kind and weight) adds to one group's per-domain count. InterPodAffinity
// then checks a handful of groups per cycle instead of every pod with anti-affinity
// (kube: getExistingAntiAffinityCounts walks NodeInfo.PodsWithRequiredAntiAffinity on all nodes).
import type { NodeInfo } from './node-info.js';
import { hasAffinityTerms } from './pod-info.js';
import type { AffinityTerm, ExistingTermGroup, ExistingTermKind, PodInfo } from './types.js';

interface Group extends ExistingTermGroup {
  readonly domains: Map<string, number>;
  pods: number;
}

export class ExistingTermIndex {
  readonly #groups = new Map<string, Group>();
  #podsWithAffinity = 0;

  get podsWithAffinity(): number { return this.#podsWithAffinity; }

  groups(): Iterable<ExistingTermGroup> { return this.#groups.values(); }

  podAdded(p: PodInfo, node: NodeInfo): void { this.#apply(p, node, 1); }
  podRemoved(p: PodInfo, node: NodeInfo): void { this.#apply(p, node, -1); }

  #apply(p: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    if (!hasAffinityTerms(p)) return;
    this.#podsWithAffinity += sign;
    for (const t of p.requiredAntiAffinity) this.#bump('requiredAntiAffinity', t, 1, node, sign);
    for (const t of p.requiredAffinity) this.#bump('requiredAffinity', t, 1, node, sign);
    for (const t of p.preferredAffinity) this.#bump('preferredAffinity', t, t.weight, node, sign);
    for (const t of p.preferredAntiAffinity) this.#bump('preferredAntiAffinity', t, t.weight, node, sign);
  }

  #bump(kind: ExistingTermKind, term: AffinityTerm, weight: number, node: NodeInfo, sign: number): void {
    const key = `${kind}|${weight}|${term.topologyKey}|${term.matcherKey}`;
    let g = this.#groups.get(key);
    if (!g) {
      if (sign < 0) return;
      g = { kind, term, weight, domains: new Map(), pods: 0 };
      this.#groups.set(key, g);
    }
    g.pods += sign;
    const v = node.labels[term.topologyKey];
    if (v !== undefined) {
      const n = (g.domains.get(v) ?? 0) + sign;
      if (n === 0) g.domains.delete(v); else g.domains.set(v, n);
    }
    if (g.pods <= 0) this.#groups.delete(key);
  }
}
