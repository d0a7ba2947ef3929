// Counts of pods matching a selector, per node and per topology domain, kept up to date as pods come
// and go. Topology spread and pod (anti-)affinity ask "how many pods like X are in the domain of
// node N"; kube answers by scanning every node's pods each cycle. Here the first question for a
// matcher scans once, and later pod events adjust the counts, so a cycle costs O(1) per node.
import type { NodeInfo } from './node-info.js';
import type { MatchCounts, PodInfo, PodMatcher } from './types.js';

interface Entry extends MatchCounts {
  readonly matcher: PodMatcher;
  total: number;
  readonly perNode: Map<string, number>;
  readonly byKey: Map<string, Map<string, number>>;
  lastUsed: number;
}

function bump(m: Map<string, number>, k: string, by: number): void {
  const v = (m.get(k) ?? 0) + by;
  if (v === 0) m.delete(k); else m.set(k, v);
}

export interface PodMatchIndexDeps {
  /** Every pod in the cache with its node. */
  allPods(): Iterable<readonly [PodInfo, NodeInfo]>;
  node(name: string): NodeInfo | undefined;
  /** Entries kept at most; the least recently asked for is dropped beyond this. */
  maxEntries?: number;
}

export class PodMatchIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #deps: PodMatchIndexDeps;
  readonly #max: number;
  #tick = 0;

  constructor(deps: PodMatchIndexDeps) {
    this.#deps = deps;
    this.#max = deps.maxEntries ?? 256;
  }

  get size(): number { return this.#entries.size; }

  get(matcher: PodMatcher): MatchCounts {
    let e = this.#entries.get(matcher.key);
    if (!e) {
      if (this.#entries.size >= this.#max) this.#evictOldest();
      e = this.#build(matcher);
      this.#entries.set(matcher.key, e);
    }
    e.lastUsed = ++this.#tick;
    return e;
  }

  podAdded(p: PodInfo, node: NodeInfo): void { this.#apply(p, node, 1); }
  podRemoved(p: PodInfo, node: NodeInfo): void { this.#apply(p, node, -1); }

  /** Namespace labels changed: matchers that read them recount on next use. */
  dropNamespaceDependent(): void {
    for (const [k, e] of this.#entries) if (e.matcher.readsNamespaceLabels) this.#entries.delete(k);
  }

  #apply(p: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    for (const e of this.#entries.values()) if (e.matcher.matches(p)) this.#count(e, node, sign);
  }

  #count(e: Entry, node: NodeInfo, by: number): void {
    e.total += by;
    bump(e.perNode, node.name, by);
    for (const [key, m] of e.byKey) {
      const v = node.labels[key];
      if (v !== undefined) bump(m, v, by);
    }
  }

  #build(matcher: PodMatcher): Entry {
    const deps = this.#deps;
    const entry: Entry = {
      matcher, total: 0, perNode: new Map(), byKey: new Map(), lastUsed: 0,
      domains(key: string): ReadonlyMap<string, number> {
        let m = entry.byKey.get(key);
        if (!m) {
          m = new Map();
          for (const [name, n] of entry.perNode) {
            const v = deps.node(name)?.labels[key];
            if (v !== undefined) bump(m, v, n);
          }
          entry.byKey.set(key, m);
        }
        return m;
      },
    };
    for (const [p, node] of deps.allPods()) if (matcher.matches(p)) this.#count(entry, node, 1);
    return entry;
  }

  #evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, e] of this.#entries) if (e.lastUsed < oldest) { oldest = e.lastUsed; oldestKey = k; }
    if (oldestKey !== undefined) this.#entries.delete(oldestKey);
  }
}
