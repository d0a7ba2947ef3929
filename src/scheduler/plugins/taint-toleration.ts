// TaintToleration (pkg/scheduler/framework/plugins/tainttoleration): NoSchedule and NoExecute taints
// must be tolerated; fewer untolerated PreferNoSchedule taints score higher.
import type { Taint, Toleration } from '../api-types.js';
import type { NodeInfo } from '../node-info.js';
import { doNotScheduleTaint, findUntoleratedTaint, tolerationsTolerateTaint } from '../tolerations.js';
import { SKIP, SUCCESS, reject, type Plugin, type PodInfo } from '../types.js';
import { defaultNormalizeScore } from './normalize.js';

export const name = 'TaintToleration';

/** The taint the pod does not tolerate, if any (Filter). */
export function untoleratedTaint(pod: PodInfo, node: NodeInfo): Taint | undefined {
  return node.taints.length === 0 ? undefined : findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint);
}

export const untoleratedReason = (t: Taint): string => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

/** PreferNoSchedule taints of the node that none of `tolerations` (effect "" or PreferNoSchedule) tolerates. */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
  return n;
}

const STATE = `PreScore${name}`;

export const plugin = {
  name,
  filter(_state, pod, node) {
    const t = untoleratedTaint(pod, node);
    return t ? reject('UnschedulableAndUnresolvable', untoleratedReason(t)) : SUCCESS;
  },
  preScore(state, pod, _nodes, cluster) {
    // With no PreferNoSchedule taint anywhere every node scores the same: nothing to rank.
    if (cluster.nodesWithPreferNoScheduleTaints() === 0) return SKIP;
    state.write(STATE, pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule'));
    return SUCCESS;
  },
  score: (state, _pod, node) => countIntolerablePreferNoSchedule(node.taints, state.read<Toleration[]>(STATE) ?? []),
  normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, true),
} satisfies Plugin;
