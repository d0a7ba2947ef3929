// Pod resources as the kubelet maps them onto Linux: QoS class, cgroup CPU shares/quota, memory
// limit and OOM score (pkg/kubelet/qos, pkg/kubelet/kuberuntime/kuberuntime_container_linux.go).
import { intValue, parseQuantity, toMilli } from '../../machinery/quantity.js';
import type { Container, Pod } from '../api-types.js';
import type { LinuxContainerResources } from '../runtime/cri/index.js';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const q = (v: string | number | undefined): ReturnType<typeof parseQuantity> | undefined => (v === undefined ? undefined : parseQuantity(v));

export function qosClass(pod: Pod): QosClass {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const rq = req[r] ?? lim[r];
      if (rq !== undefined && toMilli(parseQuantity(rq)) > 0) any = true;
      const l = lim[r];
      if (l === undefined || rq === undefined || toMilli(parseQuantity(l)) !== toMilli(parseQuantity(rq))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const CPU_PERIOD = 100_000;
const MIN_SHARES = 2;

/** The container's Linux resources; memoryCapacity (node bytes) scales the Burstable OOM score. */
export function linuxResources(pod: Pod, c: Container, memoryCapacity: number): LinuxContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuReq = q(req.cpu ?? lim.cpu);
  const cpuLim = q(lim.cpu);
  const memReq = q(req.memory ?? lim.memory);
  const memLim = q(lim.memory);
  const out: LinuxContainerResources = {
    cpu_period: CPU_PERIOD,
    cpu_shares: cpuReq ? Math.max(MIN_SHARES, Math.floor((toMilli(cpuReq) * 1024) / 1000)) : MIN_SHARES,
  };
  if (cpuLim) out.cpu_quota = Math.max(1000, Math.floor((toMilli(cpuLim) * CPU_PERIOD) / 1000));
  if (memLim) out.memory_limit_in_bytes = intValue(memLim);
  const cls = qosClass(pod);
  let oom: number;
  if (cls === 'Guaranteed') oom = -997;
  else if (cls === 'BestEffort') oom = 1000;
  else {
    const bytes = memReq ? intValue(memReq) : 0;
    oom = 1000 - Math.floor((1000 * bytes) / Math.max(1, memoryCapacity));
    oom = Math.min(999, Math.max(2, oom));
  }
  out.oom_score_adj = oom;
  return out;
}
