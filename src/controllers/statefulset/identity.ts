// A StatefulSet pod's stable identity (pkg/controller/statefulset stateful_set_utils.go): its name
// `<set>-<ordinal>`, the pod-name and pod-index labels, hostname and subdomain, and one
// PersistentVolumeClaim per volumeClaimTemplate named `<claim>-<set>-<ordinal>`.
import { clone } from '../../machinery/deep-equal.js';
import { newControllerRef } from '../runtime/index.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import {
  POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, STS_API_VERSION, STS_KIND, specReplicas,
  type PersistentVolumeClaim, type Pod, type StatefulSet, type Volume,
} from './types.js';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The parent name and ordinal a pod's name encodes; ordinal -1 when it encodes none. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1] ?? '', ordinal: Number.isSafeInteger(n) && n <= 0x7fffffff ? n : -1 };
}

export const ordinalOf = (p: Readonly<Pod>): number => parentAndOrdinal(p.metadata?.name ?? '').ordinal;

/** spec.ordinals.start (0 by default). */
export const startOrdinal = (set: Readonly<StatefulSet>): number => set.spec?.ordinals?.start ?? 0;
/** The highest ordinal a replica may have (start - 1 when there are none). */
export const endOrdinal = (set: Readonly<StatefulSet>): number => startOrdinal(set) + specReplicas(set) - 1;

export function inOrdinalRange(p: Readonly<Pod>, set: Readonly<StatefulSet>): boolean {
  const ord = ordinalOf(p);
  return ord >= startOrdinal(set) && ord <= endOrdinal(set);
}

export const podName = (set: Readonly<StatefulSet>, ordinal: number): string => `${set.metadata?.name ?? ''}-${ordinal}`;

/** isMemberOf: the pod's name says it belongs to this set. */
export const isMemberOf = (set: Readonly<StatefulSet>, p: Readonly<Pod>): boolean =>
  parentAndOrdinal(p.metadata?.name ?? '').parent === set.metadata?.name;

export const claimName = (set: Readonly<StatefulSet>, template: Readonly<PersistentVolumeClaim>, ordinal: number): string =>
  `${template.metadata?.name ?? ''}-${set.metadata?.name ?? ''}-${ordinal}`;

export const podRevision = (p: Readonly<Pod>): string => p.metadata?.labels?.[REVISION_LABEL] ?? '';

/** identityMatches: name, namespace and the pod-name label are the ones its ordinal gives. */
export function identityMatches(set: Readonly<StatefulSet>, p: Readonly<Pod>): boolean {
  const { parent, ordinal } = parentAndOrdinal(p.metadata?.name ?? '');
  return ordinal >= 0 && parent === set.metadata?.name && p.metadata?.namespace === set.metadata?.namespace
    && p.metadata?.labels?.[POD_NAME_LABEL] === p.metadata?.name;
}

/** updateIdentity: the labels that name the pod (hostname and subdomain are immutable, set at creation). */
export function updateIdentity(set: Readonly<StatefulSet>, p: Pod): void {
  const ordinal = ordinalOf(p);
  const meta = (p.metadata ??= {});
  meta.name = podName(set, ordinal);
  meta.namespace = set.metadata?.namespace ?? '';
  meta.labels = { ...(meta.labels ?? {}), [POD_NAME_LABEL]: meta.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/**
 * The claims a pod of `set` with `ordinal` uses, by template name: the template with the pod's
 * claim name, the set's namespace, and the set's matchLabels added to its labels.
 */
export function claimsFor(set: Readonly<StatefulSet>, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>();
  const matchLabels = set.spec?.selector?.matchLabels ?? {};
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const claim = clone(t) as PersistentVolumeClaim;
    delete claim.status;
    const meta = (claim.metadata ??= {});
    meta.name = claimName(set, t, ordinal);
    meta.namespace = set.metadata?.namespace ?? '';
    meta.labels = { ...(meta.labels ?? {}), ...matchLabels };
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    out.set(t.metadata?.name ?? '', claim);
  }
  return out;
}

/** storageMatches: every template has a volume of its name referring to the pod's claim. */
export function storageMatches(set: Readonly<StatefulSet>, p: Readonly<Pod>): boolean {
  const ordinal = ordinalOf(p);
  if (ordinal < 0) return false;
  const volumes = new Map((p.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t) =>
    volumes.get(t.metadata?.name ?? '')?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal));
}

/** updateStorage: claim volumes first (replacing pod volumes of the same name), then the pod's others. */
export function updateStorage(set: Readonly<StatefulSet>, p: Pod): void {
  const claims = claimsFor(set, ordinalOf(p));
  const volumes: Volume[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata?.name ?? '' } }));
  for (const v of p.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  (p.spec ??= {}).volumes = volumes;
}

/** newStatefulSetPod: the template's pod with its identity, hostname, subdomain and claims. */
export function newStatefulSetPod(set: Readonly<StatefulSet>, ordinal: number): Pod {
  const pod = podFromTemplate(set.spec?.template ?? {}, set.metadata?.namespace ?? '', set.metadata?.name ?? '',
    newControllerRef(set, STS_API_VERSION, STS_KIND)) as Pod;
  const meta = pod.metadata ?? {};
  delete meta.generateName;
  meta.name = podName(set, ordinal);
  pod.metadata = meta;
  updateIdentity(set, pod);
  const spec = (pod.spec ??= {});
  spec.hostname = meta.name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition (RollingUpdate) are made from the
 * current revision, the rest from the update revision; the pod is labelled with its revision.
 */
export function newVersionedPod(currentSet: Readonly<StatefulSet>, updateSet: Readonly<StatefulSet>, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = currentSet.spec?.updateStrategy;
  const isRolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const useCurrent = strategy?.rollingUpdate
    ? ordinal < startOrdinal(currentSet) + (strategy.rollingUpdate.partition ?? 0)
    : isRolling && ordinal < startOrdinal(currentSet) + (currentSet.status?.currentReplicas ?? 0);
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata!.labels = { ...(pod.metadata!.labels ?? {}), [REVISION_LABEL]: useCurrent ? currentRevision : updateRevision };
  return pod;
}
