// Endpoints subsets of a service (endpoints_controller.go syncService + pkg/api/v1/endpoints
// RepackSubsets): one address per pod that should be in endpoints, ready or not ready, for each
// service port the pod offers; then addresses offering the same ports are packed into one subset,
// sorted so equal content compares equal.
import { findPort, isIPv6, isPodReady, podIPs, serviceFamily, shouldPodBeInEndpoints, shouldSetHostname, type Pod, type Service } from './pods.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointPort { name?: string; port: number; protocol?: string; appProtocol?: string }

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

interface Entry { addr: EndpointAddress; ready: boolean }

function addressOf(svc: Readonly<Service>, pod: Readonly<Pod>): EndpointAddress | undefined {
  const v6 = serviceFamily(svc) === 'IPv6';
  const ip = podIPs(pod).find((x) => isIPv6(x) === v6);
  if (!ip) return undefined;
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec?.hostname ?? '';
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
  return addr;
}

const portKey = (p: EndpointPort): string => `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`;
const addrKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

function compareStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
const byAddress = (a: EndpointAddress, b: EndpointAddress): number =>
  compareStr(a.ip, b.ip) || compareStr(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
const byPort = (a: EndpointPort, b: EndpointPort): number =>
  compareStr(a.name ?? '', b.name ?? '') || a.port - b.port || compareStr(a.protocol ?? '', b.protocol ?? '');

/** RepackSubsets: group addresses by the set of ports they offer. A sentinel key keeps port-less addresses. */
export function repack(entries: readonly { entry: Entry; port: EndpointPort | undefined }[]): EndpointSubset[] {
  // port → addresses offering it (with readiness)
  const byPortKey = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, Entry> }>();
  for (const { entry, port } of entries) {
    const k = port ? portKey(port) : '';
    let slot = byPortKey.get(k);
    if (!slot) byPortKey.set(k, (slot = { port, addrs: new Map() }));
    slot.addrs.set(addrKey(entry.addr), entry);
  }
  // address set → ports offered by exactly that set
  const byAddrSet = new Map<string, { entries: Entry[]; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPortKey.values()) {
    const list = [...addrs.values()].sort((a, b) => byAddress(a.addr, b.addr));
    const k = list.map((e) => `${addrKey(e.addr)}\u0000${e.ready}`).join('\u0001');
    let g = byAddrSet.get(k);
    if (!g) byAddrSet.set(k, (g = { entries: list, ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const { entries: list, ports } of byAddrSet.values()) {
    const s: EndpointSubset = {};
    const ready = list.filter((e) => e.ready).map((e) => e.addr);
    const notReady = list.filter((e) => !e.ready).map((e) => e.addr);
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (ports.length) s.ports = ports.sort(byPort);
    subsets.push(s);
  }
  const subsetKey = (s: EndpointSubset) => `${(s.ports ?? []).map(portKey).join(',')}|${[...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map(addrKey).join(',')}`;
  return subsets.sort((a, b) => compareStr(subsetKey(a), subsetKey(b)));
}

export interface SubsetsResult { subsets: EndpointSubset[]; ready: number; notReady: number }

/** The subsets an Endpoints of `svc` should have for `pods` (already selected by its selector). */
export function desiredSubsets(svc: Readonly<Service>, pods: readonly Readonly<Pod>[]): SubsetsResult {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const ports = svc.spec?.ports ?? [];
  const entries: { entry: Entry; port: EndpointPort | undefined }[] = [];
  let ready = 0;
  let notReady = 0;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = addressOf(svc, pod);
    if (!addr) continue;
    const entry: Entry = { addr, ready: publishNotReady || isPodReady(pod) };
    if (ports.length === 0) {
      // A headless service may have no ports: its addresses are published without any.
      if (svc.spec?.clusterIP === 'None') {
        entries.push({ entry, port: undefined });
        if (entry.ready) ready++; else notReady++;
      }
      continue;
    }
    for (const sp of ports) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      const port: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) port.name = sp.name;
      if (sp.appProtocol) port.appProtocol = sp.appProtocol;
      entries.push({ entry, port });
      if (entry.ready) ready++; else notReady++;
    }
  }
  return { subsets: repack(entries), ready, notReady };
}

/** Endpoints hold at most this many addresses; beyond, they are truncated and annotated (kube: 1000). */
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

/**
 * truncateEndpoints: beyond the capacity, keep ready addresses first, each subset getting its
 * proportional share (rounded up, never over the capacity). Returns whether anything was cut.
 */
export function truncate(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) { totalReady += s.addresses?.length ?? 0; totalNotReady += s.notReadyAddresses?.length ?? 0; }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let canAdd = max;
  for (const s of subsets) {
    const n = truncateReady ? s.addresses?.length ?? 0 : s.notReadyAddresses?.length ?? 0;
    const take = Math.min(Math.ceil((n / total) * max), canAdd);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, take);
      s.notReadyAddresses = [];
      canAdd -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, take);
      canAdd -= s.notReadyAddresses.length;
    }
  }
  return true;
}
