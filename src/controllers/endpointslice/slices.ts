// EndpointSlice shapes and the pieces of one (k8s.io/endpointslice utils.go): an endpoint per pod
// with ready/serving/terminating conditions, the ports a pod offers, the labels and owner of a
// slice, and the identity of an endpoint across syncs.
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME, LABEL_HEADLESS, findPort, isHeadless, isIPv6, isPodReady, podIPs, rfc3339Nano, shouldSetHostname,
  type Pod, type Service,
} from '../endpoints/index.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export type AddressType = 'IPv4' | 'IPv6';

export interface SlicePort { name?: string; port?: number; protocol?: string; appProtocol?: string }

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
}

export interface EndpointSlice extends KubeObject {
  addressType: AddressType | string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

/** getAddressTypesForService: the service's IP families; without them, that of its cluster IP; headless: both. */
export function addressTypesOf(svc: Readonly<Service>): Set<AddressType> {
  const out = new Set<AddressType>();
  for (const f of svc.spec?.ipFamilies ?? []) if (f === 'IPv4' || f === 'IPv6') out.add(f);
  if (out.size) return out;
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') return new Set([isIPv6(ip) ? 'IPv6' : 'IPv4']);
  return new Set(['IPv4', 'IPv6']);
}

/** getEndpointPorts: one port per service port the pod offers; none for a headless service without ports. */
export function endpointPorts(svc: Readonly<Service>, pod: Readonly<Pod>): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** A canonical key of a port set (NewPortMapKey): order-independent, nil and empty alike. */
export function portMapKey(ports: readonly SlicePort[] | null | undefined): string {
  return (ports ?? []).map((p) => JSON.stringify([p.name ?? '', p.port ?? 0, p.protocol ?? '', p.appProtocol ?? ''])).sort().join('|');
}

/** podToEndpoint: ready only when serving and not terminating (unless not-ready addresses are published). */
export function podToEndpoint(pod: Readonly<Pod>, svc: Readonly<Service>, addressType: AddressType, zone: string | undefined): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec?.hostname ?? '';
  return ep;
}

/** hashEndpoint: an endpoint's identity (addresses, hostname, the pod it points at). */
export function endpointKey(ep: Readonly<SliceEndpoint>): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash: what else shows (node, zone, conditions, target) is the same. */
export function endpointsEqualBeyondKey(a: Readonly<SliceEndpoint>, b: Readonly<SliceEndpoint>): boolean {
  const ref = (e: Readonly<SliceEndpoint>) => JSON.stringify([e.targetRef?.kind, e.targetRef?.namespace, e.targetRef?.name, e.targetRef?.uid]);
  return a.nodeName === b.nodeName && a.zone === b.zone &&
    a.conditions.ready === b.conditions.ready && a.conditions.serving === b.conditions.serving &&
    a.conditions.terminating === b.conditions.terminating && ref(a) === ref(b);
}

const RESERVED = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

/**
 * setEndpointSliceLabels: the service's labels (reserved keys excepted) plus service-name, managed-by
 * and, for headless services, the headless label; `changed` when the copied labels differ.
 */
export function sliceLabels(current: Readonly<Record<string, string>> | undefined, svc: Readonly<Service>): { labels: Record<string, string>; changed: boolean } {
  const mine = Object.entries(current ?? {}).filter(([k]) => !RESERVED.has(k));
  const theirs = Object.entries(svc.metadata?.labels ?? {}).filter(([k]) => !RESERVED.has(k));
  const changed = mine.length !== theirs.length || theirs.some(([k, v]) => current?.[k] !== v);
  const labels: Record<string, string> = Object.fromEntries(theirs);
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata?.name ?? '';
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return { labels, changed };
}

export function serviceOwnerRef(svc: Readonly<Service>): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export const ownedBy = (slice: Readonly<EndpointSlice>, svc: Readonly<Service>): boolean =>
  (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');

/** getEndpointSlicePrefix: `<service>-`, or the bare name when the dash would make it invalid. */
function slicePrefix(svcName: string): string {
  return svcName.length + 1 <= 253 ? `${svcName}-` : svcName;
}

/** newEndpointSlice: an empty slice of `svc` for these ports and address type, named by the server. */
export function newSlice(svc: Readonly<Service>, ports: SlicePort[], addressType: AddressType): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata?.name ?? ''), namespace: svc.metadata?.namespace ?? '',
      labels: sliceLabels(undefined, svc).labels, ownerReferences: [serviceOwnerRef(svc)],
    },
    addressType, endpoints: [], ports,
  };
}

/** addTriggerTimeAnnotation: set, or cleared when there is no new trigger time. */
export function setTriggerTime(slice: EndpointSlice, triggerTime: number): void {
  const meta = (slice.metadata ??= {});
  const annotations = { ...(meta.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
  else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  if (Object.keys(annotations).length) meta.annotations = annotations; else delete meta.annotations;
}

/** A placeholder slice (no endpoints, no ports) equals another when namespace, labels and owners match. */
export function isSamePlaceholder(a: Readonly<EndpointSlice>, b: Readonly<EndpointSlice>): boolean {
  const labels = (s: Readonly<EndpointSlice>) => JSON.stringify(Object.entries(s.metadata?.labels ?? {}).sort());
  const owners = (s: Readonly<EndpointSlice>) => JSON.stringify((s.metadata?.ownerReferences ?? []).map((o) => [o.apiVersion, o.kind, o.name, o.uid, !!o.controller, !!o.blockOwnerDeletion]));
  return a.metadata?.namespace === b.metadata?.namespace && labels(a) === labels(b) && owners(a) === owners(b) &&
    (a.endpoints ?? []).length === 0 && (b.endpoints ?? []).length === 0 && portMapKey(a.ports) === portMapKey(b.ports) && a.addressType === b.addressType;
}
