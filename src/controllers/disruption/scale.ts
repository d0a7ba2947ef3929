// How many pods a PodDisruptionBudget expects (disruption.go getExpectedScale): the sum of the
// replicas of the controllers of the selected pods, each controller counted once. Known workloads
// are read from their caches (a ReplicaSet of a Deployment counts as its Deployment, so a rollout's
// two ReplicaSets are one controller); any other controller is asked through its scale subresource.
import type { ApiClient, Lister } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { controllerOf } from '../runtime/index.js';
import { groupKindKey, groupOf, type DiscoveredResource } from '../garbagecollector/index.js';
import type { Pod } from '../endpoints/index.js';

export interface Workload extends KubeObject { spec?: { replicas?: number } }

export interface ScaleDeps {
  client: ApiClient;
  replicationControllers: Lister<Workload>;
  replicaSets: Lister<Workload>;
  deployments: Lister<Workload>;
  statefulSets: Lister<Workload>;
  /** The served resource of a group/kind (discovery), for the scale subresource of other kinds. */
  resourceFor(groupKind: string): Promise<DiscoveredResource | undefined>;
}

interface ControllerScale { uid: string; replicas: number }

const isKind = (ref: OwnerReference, kind: string, groups: readonly string[]): boolean =>
  ref.kind === kind && groups.includes(groupOf(ref.apiVersion));

function cached(l: Lister<Workload>, ns: string, ref: { name: string; uid: string }): Readonly<Workload> | undefined {
  const o = l.get(`${ns}/${ref.name}`);
  return o && o.metadata?.uid === ref.uid ? o : undefined;
}

const replicasOf = (w: Readonly<Workload>): number => w.spec?.replicas ?? 1;

async function findScale(d: ScaleDeps, ref: OwnerReference, ns: string): Promise<ControllerScale | undefined> {
  if (isKind(ref, 'ReplicationController', [''])) {
    const rc = cached(d.replicationControllers, ns, ref);
    return rc ? { uid: ref.uid, replicas: replicasOf(rc) } : undefined;
  }
  if (isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) {
    const rs = cached(d.replicaSets, ns, ref);
    if (!rs) return undefined;
    const owner = controllerOf(rs);
    if (owner && isKind(owner, 'Deployment', ['apps', 'extensions'])) {
      const dep = cached(d.deployments, ns, owner);
      return dep ? { uid: owner.uid, replicas: replicasOf(dep) } : undefined;
    }
    if (owner?.kind === 'Deployment') return undefined;
    return { uid: ref.uid, replicas: replicasOf(rs) };
  }
  if (isKind(ref, 'StatefulSet', ['apps'])) {
    const sts = cached(d.statefulSets, ns, ref);
    return sts ? { uid: ref.uid, replicas: replicasOf(sts) } : undefined;
  }
  const resource = await d.resourceFor(groupKindKey(groupOf(ref.apiVersion), ref.kind));
  if (!resource) throw new Error(`no matches for kind "${ref.kind}" in group "${groupOf(ref.apiVersion)}"`);
  if (!resource.subresources.includes('scale')) throw new Error(`${resource.resource}${resource.group ? `.${resource.group}` : ''} does not implement the scale subresource`);
  let scale: KubeObject & { spec?: { replicas?: number } };
  try {
    scale = await d.client.get(resource, ns, ref.name, { subresource: 'scale' });
  } catch (e) {
    if (isStatusError(e) && e.code === 404) return undefined;
    throw e;
  }
  return scale.metadata?.uid === ref.uid ? { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 } : undefined;
}

export interface ExpectedScale { expected: number; unmanaged: string[] }

/** Throws (kube: "found no controllers for pod") when a pod's controller cannot be found. */
export async function expectedScale(d: ScaleDeps, pods: readonly Readonly<Pod>[]): Promise<ExpectedScale> {
  // Keyed by the counted controller's uid: a Deployment reached through two ReplicaSets counts once.
  const scales = new Map<string, number>();
  const seen = new Set<string>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) { unmanaged.push(pod.metadata?.name ?? ''); continue; }
    if (seen.has(ref.uid)) continue;
    seen.add(ref.uid);
    const found = await findScale(d, ref, pod.metadata?.namespace ?? '');
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
    scales.set(found.uid, found.replicas);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}

export interface ExpectedCount { expectedPods: number; desiredHealthy: number; unmanaged: string[] }

/**
 * getExpectedPodCount: with maxUnavailable, desired = expected − maxUnavailable (rounded up); with an
 * integer minAvailable, desired = minAvailable and expected = the selected pods; with a percentage,
 * desired = that share of the controllers' scale (rounded up).
 */
export async function expectedPodCount(
  d: ScaleDeps, spec: { minAvailable?: number | string; maxUnavailable?: number | string } | undefined, pods: readonly Readonly<Pod>[],
  scaled: (v: number | string, total: number) => number,
): Promise<ExpectedCount> {
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = await expectedScale(d, pods);
    const maxUnavailable = scaled(spec.maxUnavailable, expected);
    return { expectedPods: expected, desiredHealthy: Math.max(0, expected - maxUnavailable), unmanaged };
  }
  if (spec?.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expectedPods: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
    const { expected, unmanaged } = await expectedScale(d, pods);
    return { expectedPods: expected, desiredHealthy: scaled(spec.minAvailable, expected), unmanaged };
  }
  return { expectedPods: 0, desiredHealthy: 0, unmanaged: [] };
}
