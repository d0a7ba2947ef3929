// NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity): spec.nodeSelector and required node
// affinity filter nodes; preferred terms add their weights to the score. When every required term
// pins metadata.name (as DaemonSet pods do), PreFilter narrows the cycle to those nodes.
import type { NodeSelectorTerm } from '../api-types.js';
import type { NodeInfo } from '../node-info.js';
import { compileTerms, requiredNodeAffinity, requiredNodeAffinityMatches, termMatchesNode, type RequiredNodeAffinity } from '../node-selector.js';
import { SKIP, SUCCESS, reject, type Plugin, type PodInfo, type PreFilterResult } from '../types.js';
import { defaultNormalizeScore } from './normalize.js';

export const name = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
const REJECTED = reject('UnschedulableAndUnresolvable', ERR_REASON_POD);

const FILTER_STATE = `PreFilter${name}`;
const SCORE_STATE = `PreScore${name}`;

/** Whether the node satisfies the pod's nodeSelector and required node affinity. */
export function fitsNodeAffinity(pod: PodInfo, node: NodeInfo, required = requiredNodeAffinity(pod.pod.spec)): boolean {
  return !required || requiredNodeAffinityMatches(required, node);
}

/** Node names every required term restricts the pod to (matchFields metadata.name In), or undefined. */
export function nodeNamesFromTerms(terms: readonly Readonly<NodeSelectorTerm>[] | undefined): Set<string> | undefined {
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const f of t.matchFields ?? []) {
      if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
      const vals = new Set(f.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => vals.has(n))) : vals;
    }
    if (!termNames) return undefined; // this term can match any node name
    for (const n of termNames) names.add(n);
  }
  return names;
}

interface Preferred { weight: number; term: NonNullable<ReturnType<typeof compileTerms>[number]> }

export const plugin = {
  name,
  preFilter(state, pod): PreFilterResult {
    const required = requiredNodeAffinity(pod.pod.spec);
    if (!required) return { status: SKIP };
    state.write(FILTER_STATE, required);
    const names = nodeNamesFromTerms(pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
    return names ? { status: SUCCESS, nodeNames: names } : { status: SUCCESS };
  },
  filter(state, pod, node) {
    const required = state.read<RequiredNodeAffinity>(FILTER_STATE) ?? requiredNodeAffinity(pod.pod.spec);
    return !required || requiredNodeAffinityMatches(required, node) ? SUCCESS : REJECTED;
  },
  preScore(state, pod) {
    const prefs = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const compiled = compileTerms(prefs.map((p) => p.preference ?? {}));
    const list: Preferred[] = [];
    prefs.forEach((p, i) => {
      const term = compiled[i];
      if (term && p.weight !== 0) list.push({ weight: p.weight, term });
    });
    if (list.length === 0) return SKIP;
    state.write(SCORE_STATE, list);
    return SUCCESS;
  },
  score(state, _pod, node) {
    let s = 0;
    for (const p of state.read<Preferred[]>(SCORE_STATE) ?? []) if (termMatchesNode(p.term, node.name, node.labels)) s += p.weight;
    return s;
  },
  normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, false),
} satisfies Plugin;
