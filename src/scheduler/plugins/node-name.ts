// NodeName (pkg/scheduler/framework/plugins/nodename): a pod that names its node fits only there.
import type { NodeInfo } from '../node-info.js';
import { SUCCESS, reject, type Plugin, type PodInfo } from '../types.js';

export const name = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";
const REJECTED = reject('UnschedulableAndUnresolvable', ERR_REASON);

export function fitsNodeName(pod: PodInfo, node: NodeInfo): boolean {
  const want = pod.pod.spec?.nodeName;
  return !want || want === node.name;
}

export const plugin = {
  name,
  filter: (_state, pod, node) => (fitsNodeName(pod, node) ? SUCCESS : REJECTED),
} satisfies Plugin;
