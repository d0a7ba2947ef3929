// Taints the scheduler enforces; the matching rule itself is machinery's (shared with the taint
// manager and the DaemonSet controller).
import type { Taint } from './api-types.js';
export { toleratesTaint, tolerationsTolerateTaint, findUntoleratedTaint } from '../machinery/taints.js';

/** The taints Filter enforces: NoSchedule and NoExecute. */
export const doNotScheduleTaint = (t: Readonly<Taint>): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
