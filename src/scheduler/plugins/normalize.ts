// Score normalization shared by plugins (pkg/scheduler/framework/plugins/helper/normalize_score.go).
import { MAX_NODE_SCORE } from '../types.js';

/**
 * DefaultNormalizeScore: scales scores so the highest becomes 100 (integer division, as kube);
 * `reverse` flips them (100 - score), so that fewer is better. All zero: 0, or 100 when reversed.
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * (scores[i] as number)) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
