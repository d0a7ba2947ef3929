// A DaemonSet's pods (daemon_controller.go getDaemonPods, getNodesToDaemonPods; util
// CreatePodTemplate, IsPodUpdated): claimed through the selector, grouped by the node each targets,
// made from the template with the daemon tolerations and the revision hash label.
import { R } from '../../client/index.js';
import { clone } from '../../machinery/deep-equal.js';
import { matches, type LabelSelector } from '../../machinery/labels.js';
import { claimDependents } from '../history/index.js';
import type { DaemonSetDeps } from './deps.js';
import { daemonPodTolerations, targetNodeName } from './eligibility.js';
import {
  DS_API_VERSION, REVISION_HASH_LABEL, TEMPLATE_GENERATION_ANNOTATION, TEMPLATE_GENERATION_LABEL,
  type DaemonSet, type Pod, type PodTemplateSpec,
} from './types.js';

/** getDaemonPods: the pods the set controls after adopting matching orphans and releasing strays. */
export function claimDaemonPods(d: DaemonSetDeps, ds: Readonly<DaemonSet>, selector: LabelSelector): Promise<Readonly<Pod>[]> {
  return claimDependents<Pod>({
    client: d.client, dependents: d.pods, dependentResource: R.pods, owner: ds, ownerResource: R.daemonsets, ownerApiVersion: DS_API_VERSION,
    match: (p) => matches(selector, p.metadata?.labels),
  });
}

const isTerminal = (p: Readonly<Pod>): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** getNodesToDaemonPods: pods by the node they run on or are pinned to (deleted terminal pods left out). */
export function nodesToDaemonPods(pods: readonly Readonly<Pod>[]): Map<string, Readonly<Pod>[]> {
  const out = new Map<string, Readonly<Pod>[]>();
  for (const p of pods) {
    if (isTerminal(p) && p.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(p);
    if (!node) continue;
    const list = out.get(node);
    if (list) list.push(p); else out.set(node, [p]);
  }
  return out;
}

/** GetTemplateGeneration: the deprecated generation annotation, if the API server set one. */
export function templateGeneration(ds: Readonly<DaemonSet>): string | undefined {
  const g = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return g !== undefined && /^-?\d+$/.test(g) ? g : undefined;
}

/** IsPodUpdated: the pod carries the current revision hash (or, for old pods, the current template generation). */
export function isPodUpdated(p: Readonly<Pod>, hash: string, generation: string | undefined): boolean {
  const labels = p.metadata?.labels ?? {};
  return (hash !== '' && labels[REVISION_HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** CreatePodTemplate: the template with the daemon tolerations, the generation and the hash labels. */
export function daemonPodTemplate(ds: Readonly<DaemonSet>, hash: string): PodTemplateSpec {
  const t = clone(ds.spec?.template ?? {}) as PodTemplateSpec;
  const spec = (t.spec ??= {});
  spec.tolerations = daemonPodTolerations(spec);
  const meta = (t.metadata ??= {});
  const labels = (meta.labels = { ...(meta.labels ?? {}) });
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  return t;
}

const created = (p: Readonly<Pod>): number => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name. */
export function byAgeScheduledFirst(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const sa = a.spec?.nodeName ? 0 : 1;
  const sb = b.spec?.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ca = created(a);
  const cb = created(b);
  if (ca !== cb) return ca - cb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}
