// NodePorts (pkg/scheduler/framework/plugins/nodeports): a pod's host ports must be free on the node.
// A claim on 0.0.0.0 conflicts with any claim of the same protocol and port, as in kube's HostPortInfo.
import type { NodeInfo } from '../node-info.js';
import { SUCCESS, reject, type Plugin, type PodInfo } from '../types.js';

export const name = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const REJECTED = reject('Unschedulable', ERR_REASON);

export function fitsPorts(pod: PodInfo, node: NodeInfo): boolean {
  for (const want of pod.hostPorts) {
    const used = node.usedPorts.get(`${want.protocol}/${want.port}`);
    if (!used) continue;
    if (want.ip === '0.0.0.0') return false;
    for (const ip of used) if (ip === want.ip || ip === '0.0.0.0') return false;
  }
  return true;
}

export const plugin = {
  name,
  filter: (_state, pod, node) => (pod.hostPorts.length === 0 || fitsPorts(pod, node) ? SUCCESS : REJECTED),
} satisfies Plugin;
