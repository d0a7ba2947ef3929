// Which nodes a DaemonSet's pod belongs on (pkg/controller/daemon daemon_controller.go
// NodeShouldRunDaemonPod, predicates; util/daemonset_util.go): the template's nodeName, its
// nodeSelector and required node affinity, and the node's NoSchedule/NoExecute taints against the
// template's tolerations plus the ones kube adds to every daemon pod. The pod itself is left to the
// scheduler, pinned to its node by a required node affinity on metadata.name.
import { clone } from '../../machinery/deep-equal.js';
import { compileNodeSelector, nodeSelectorMatches } from '../../scheduler/node-selector.js';
import { findUntoleratedTaint } from '../../machinery/taints.js';
import type { Affinity, NodeSelector, Taint } from '../../scheduler/api-types.js';
import type { DaemonSet, Node, Pod, PodSpec, Toleration } from './types.js';

/** Taint keys of the node lifecycle controller (k8s.io/api/core/v1 well_known_taints.go). */
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods survive node problems (not-ready, unreachable:
 * NoExecute) and land on nodes under pressure or cordoned (NoSchedule); host-network pods also on
 * nodes whose network is not ready.
 */
export function daemonPodTolerations(spec: Readonly<PodSpec>): Toleration[] {
  const wanted: Toleration[] = [
    { key: NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) wanted.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  let out: Toleration[] = [...(spec.tolerations ?? [])];
  // AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and effect is replaced.
  for (const t of wanted) {
    const same = (x: Readonly<Toleration>) => (x.key ?? '') === t.key && (x.operator || 'Equal') === t.operator && (x.value ?? '') === '' && (x.effect ?? '') === t.effect;
    if (out.some(same)) out = out.map((x) => (same(x) ? t : x));
    else out.push(t);
  }
  return out;
}

/** The template as a pod for `nodeName` (NewPod): what eligibility is judged on. */
function podForNode(ds: Readonly<DaemonSet>, nodeName: string): PodSpec {
  const spec = ds.spec?.template?.spec ?? {};
  return { ...spec, nodeName, tolerations: daemonPodTolerations(spec) };
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector labels and the required terms. */
function fitsNodeAffinity(spec: Readonly<PodSpec>, node: Readonly<Node>): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? nodeSelectorMatches(compileNodeSelector(required), node.metadata?.name ?? '', labels) : true;
}

export interface NodeVerdict {
  /** A daemon pod should be created here if missing. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: Readonly<Node>, ds: Readonly<DaemonSet>): NodeVerdict {
  const name = node.metadata?.name ?? '';
  const templateNode = ds.spec?.template?.spec?.nodeName;
  if (templateNode && templateNode !== name) return { shouldRun: false, shouldContinueRunning: false };
  const spec = podForNode(ds, name);
  if (!fitsNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints: Taint[] = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes the one term
 * `metadata.name In [node]` (the template's terms were already checked against the node).
 */
export function pinToNode(affinity: Readonly<Affinity> | undefined, nodeName: string): Affinity {
  const required: NodeSelector = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  const out = clone((affinity ?? {}) as Affinity);
  out.nodeAffinity = { ...(out.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required };
  return out;
}

/** GetTargetNodeName: spec.nodeName, or the node its affinity pins it to. */
export function targetNodeName(p: Readonly<Pod>): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  for (const term of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
