// NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned node
// (spec.unschedulable) takes only pods tolerating the node.kubernetes.io/unschedulable:NoSchedule taint.
import { TAINT_NODE_UNSCHEDULABLE } from '../api-types.js';
import type { NodeInfo } from '../node-info.js';
import { tolerationsTolerateTaint } from '../tolerations.js';
import { SUCCESS, reject, type Plugin, type PodInfo } from '../types.js';

export const name = 'NodeUnschedulable';
export const ERR_REASON = 'node(s) were unschedulable';
const REJECTED = reject('UnschedulableAndUnresolvable', ERR_REASON);

const UNSCHEDULABLE_TAINT = Object.freeze({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });

export function fitsSchedulable(pod: PodInfo, node: NodeInfo): boolean {
  return !node.unschedulable || tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT);
}

export const plugin = {
  name,
  filter: (_state, pod, node) => (fitsSchedulable(pod, node) ? SUCCESS : REJECTED),
} satisfies Plugin;
