// Parse a pod once into what the plugins read (framework.NewPodInfo): requests, affinity terms,
// tolerations, priority. The object itself stays shared and read-only.
import type { Pod, PodAffinityTerm, PodSpec, WeightedPodAffinityTerm } from './api-types.js';
import { parseAffinityTerm } from './affinity-term.js';
import { podRequests } from './resources.js';
import type { AffinityTerm, HostPort, PodInfo, WeightedAffinityTerm } from './types.js';

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const NONE: readonly never[] = Object.freeze([]);

/** The host ports of the pod's containers (NodePorts' getContainerPorts). */
function hostPortsOf(spec: Readonly<PodSpec> | undefined): readonly HostPort[] {
  let out: HostPort[] | undefined;
  for (const c of spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      (out ??= []).push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out ?? NONE;
}

export function buildPodInfo(pod: Readonly<Pod>): PodInfo {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const labels = meta.labels ?? NO_LABELS;
  const spec = pod.spec;
  const aff = spec?.affinity;
  let parseError: string | undefined;
  const terms = (list: readonly PodAffinityTerm[] | undefined): readonly AffinityTerm[] => {
    if (!list || list.length === 0) return NONE;
    try {
      return list.map((t) => parseAffinityTerm(t, namespace, labels));
    } catch (e) {
      parseError = (e as Error).message;
      return NONE;
    }
  };
  const weighted = (list: readonly WeightedPodAffinityTerm[] | undefined): readonly WeightedAffinityTerm[] => {
    if (!list || list.length === 0) return NONE;
    try {
      return list.map((w) => ({ ...parseAffinityTerm(w.podAffinityTerm, namespace, labels), weight: w.weight }));
    } catch (e) {
      parseError = (e as Error).message;
      return NONE;
    }
  };
  const info: PodInfo = {
    pod,
    uid: meta.uid ?? `${namespace}/${name}`,
    key: `${namespace}/${name}`,
    namespace,
    name,
    labels,
    priority: typeof spec?.priority === 'number' ? spec.priority : 0,
    terminating: !!meta.deletionTimestamp,
    tolerations: spec?.tolerations ?? NONE,
    requests: podRequests(spec),
    nonZeroRequests: podRequests(spec, true),
    requiredAffinity: terms(aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: terms(aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: weighted(aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    hostPorts: hostPortsOf(spec),
  };
  return parseError === undefined ? info : { ...info, parseError };
}

/** Whether the pod has any pod affinity or anti-affinity term (NodeInfo.PodsWithAffinity). */
export const hasAffinityTerms = (p: PodInfo): boolean =>
  p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
