// The taint manager's view of tolerations (v1helper.GetMatchingTolerations, getMinTolerationTime);
// the matching rule is machinery's. Pure functions.
import type { Taint, Toleration } from './types.js';
import { toleratesTaint } from '../../machinery/taints.js';

export { toleratesTaint };

/**
 * The tolerations that tolerate every taint, or undefined when some taint is not tolerated
 * (kube's v1helper.GetMatchingTolerations).
 */
export function matchingTolerations(taints: readonly Readonly<Taint>[], tolerations: readonly Readonly<Toleration>[]): Readonly<Toleration>[] | undefined {
  const used: Readonly<Toleration>[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return undefined;
    used.push(t);
  }
  return used;
}

/**
 * How long a pod may stay, in ms, given the tolerations that matched: the smallest
 * tolerationSeconds (negative counts as 0); Infinity when none sets it (tolerated forever).
 */
export function minTolerationMs(used: readonly Readonly<Toleration>[]): number {
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return min;
}
