// What the Endpoints and EndpointSlice controllers read from Pods and Services, and the rules
// they share (k8s.io/endpointslice/util/controller_utils.go, utils.go FindPort): which pods belong
// in endpoints, which port a service port reaches on a pod, and which services a pod change touches.
import type { Informer, Lister } from '../../client/types.js';
import { INDEX_NAMESPACE, objectKey } from '../../client/index.js';
import { matches, selectorFromSet } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/object.js';

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }
interface Container { name?: string; ports?: readonly ContainerPort[]; restartPolicy?: string }

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string; hostname?: string; subdomain?: string;
    containers?: readonly Container[]; initContainers?: readonly Container[];
  };
  status?: {
    phase?: string; podIP?: string; podIPs?: readonly { ip: string }[];
    conditions?: readonly { type: string; status: string; lastTransitionTime?: string }[];
  };
}

export interface ServicePort {
  name?: string; protocol?: string; port: number; targetPort?: number | string; appProtocol?: string;
}

export interface Service extends KubeObject {
  spec?: {
    selector?: Readonly<Record<string, string>> | null;
    ports?: readonly ServicePort[];
    clusterIP?: string;
    type?: string;
    ipFamilies?: readonly string[];
    publishNotReadyAddresses?: boolean;
  };
}

export const isPodReady = (p: Readonly<Pod>): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const isTerminal = (p: Readonly<Pod>): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** IPs of the pod, from status.podIPs, else status.podIP. */
export function podIPs(p: Readonly<Pod>): string[] {
  const list = (p.status?.podIPs ?? []).map((x) => x.ip).filter(Boolean);
  if (list.length) return list;
  return p.status?.podIP ? [p.status.podIP] : [];
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless includeTerminating) not being deleted. */
export function shouldPodBeInEndpoints(p: Readonly<Pod>, includeTerminating: boolean): boolean {
  if (isTerminal(p)) return false;
  if (podIPs(p).length === 0) return false;
  if (!includeTerminating && p.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod asked for a hostname under this (headless) service's subdomain. */
export function shouldSetHostname(p: Readonly<Pod>, svc: Readonly<Service>): boolean {
  return !!p.spec?.hostname && p.spec.subdomain === svc.metadata?.name && svc.metadata?.namespace === p.metadata?.namespace;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the containers'
 * ports (and restartable init containers', i.e. sidecars) with the service port's protocol.
 * The targetPort defaults to the port. undefined when a named port is not found on this pod.
 */
export function findPort(p: Readonly<Pod>, sp: Readonly<ServicePort>): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  const containers = [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const port of c.ports ?? []) if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
  }
  return undefined;
}

/** Services in `ns` whose selector matches `labels` (a nil selector selects nothing). */
export function servicesSelecting(services: Lister<Service>, ns: string, labels: Readonly<Record<string, string>> | undefined): Set<string> {
  const out = new Set<string>();
  for (const svc of services.byIndex(INDEX_NAMESPACE, ns)) {
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (matches(selectorFromSet(sel), labels)) out.add(`${ns}/${svc.metadata?.name ?? ''}`);
  }
  return out;
}

const sameLabels = (a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean => {
  const ea = Object.entries(a ?? {});
  return ea.length === Object.keys(b ?? {}).length && ea.every(([k, v]) => b?.[k] === v);
};

/**
 * The services to sync after a pod update (GetPodUpdateProjectionKey + GetServicesToUpdate): none
 * when nothing endpoints show changed; the services of the new labels when only the pod changed;
 * with changed labels, the union (pod changed too) or the symmetric difference (labels only).
 */
export function servicesToUpdateOnPodChange(services: Lister<Service>, oldPod: Readonly<Pod>, newPod: Readonly<Pod>): Set<string> {
  if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return new Set();
  const labelsChanged = !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname || oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const podChanged = oldPod.metadata?.deletionTimestamp !== newPod.metadata?.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    podIPs(oldPod).join(',') !== podIPs(newPod).join(',') ||
    oldPod.status?.phase !== newPod.status?.phase ||
    oldPod.spec?.nodeName !== newPod.spec?.nodeName;
  if (!podChanged && !labelsChanged) return new Set();
  const ns = newPod.metadata?.namespace ?? '';
  const now = servicesSelecting(services, ns, newPod.metadata?.labels);
  if (!labelsChanged) return now;
  const before = servicesSelecting(services, ns, oldPod.metadata?.labels);
  if (podChanged) return new Set([...now, ...before]);
  return new Set([...[...now].filter((k) => !before.has(k)), ...[...before].filter((k) => !now.has(k))]);
}

/** Not a ClusterIP service (headless): endpoints carry the service.kubernetes.io/headless label. */
export const isHeadless = (svc: Readonly<Service>): boolean => !svc.spec?.clusterIP || svc.spec.clusterIP === 'None';

export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

/** The IP family endpoints of this service use: its first ipFamily, else that of its cluster IP. */
export function serviceFamily(svc: Readonly<Service>): 'IPv4' | 'IPv6' {
  const f = svc.spec?.ipFamilies?.[0];
  if (f === 'IPv6' || f === 'IPv4') return f;
  const ip = svc.spec?.clusterIP;
  return ip && ip !== 'None' && isIPv6(ip) ? 'IPv6' : 'IPv4';
}

/**
 * The wiring both endpoint controllers share: a service change syncs that service; a pod change
 * syncs the services that select (or selected) the pod, when something endpoints show changed.
 */
export function enqueueServicesOnChange(services: Informer<Service>, pods: Informer<Pod>, enqueue: (serviceKey: string) => void): void {
  const all = (keys: Iterable<string>) => { for (const k of keys) enqueue(k); };
  const selecting = (p: Readonly<Pod>) => servicesSelecting(services.lister, p.metadata?.namespace ?? '', p.metadata?.labels);
  services.on({ add: (s) => enqueue(objectKey(s)), update: (_o, s) => enqueue(objectKey(s)), delete: (s) => enqueue(objectKey(s)) });
  pods.on({
    add: (p) => all(selecting(p)),
    update: (old, p) => all(servicesToUpdateOnPodChange(services.lister, old, p)),
    delete: (p) => all(selecting(p)),
  });
}
