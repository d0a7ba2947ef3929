// What a sim node says about itself: its Node object at registration, the status the kubelet
// posts (pkg/kubelet/nodestatus setters), and its Lease (pkg/kubelet/nodelease). Pure functions.
import { createHash } from 'node:crypto';
import { rfc3339, rfc3339Micro, type KubeObject } from '../../../machinery/object.js';
import type { NodeConditionView, SimNodeObject, SimNodeSpec } from './types.js';

/** The kubelet version sim nodes report (`kubectl get nodes` VERSION column). */
export const SIM_KUBELET_VERSION = 'v1.32.0-k8ts';
export const SIM_RUNTIME_VERSION = 'sim://1.0.0';
export const SIM_NODE_ANNOTATION = 'sim.k8ts.io/node';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** A node as this process runs it. */
export interface NodeIdentity {
  readonly spec: Readonly<SimNodeSpec>;
  readonly internalIP: string;
  /** Changes when the process restarts, as a machine's boot ID does. */
  readonly bootID: string;
}

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);

const uuidOf = (s: string): string => {
  const h = hex(s, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function nodeLabels(spec: Readonly<SimNodeSpec>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'k8ts-sim',
    ...(spec.labels ?? {}),
  };
}

/** The kubelet's four conditions for a healthy node (pkg/kubelet/nodestatus/setters.go messages). */
const HEALTHY: ReadonlyArray<Omit<NodeConditionView, 'lastHeartbeatTime' | 'lastTransitionTime'>> = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** Whether the Node as stored shows what the kubelet would post (ignoring heartbeat times). */
export function conditionsCurrent(node: Readonly<SimNodeObject> | undefined): boolean {
  const conds = node?.status?.conditions ?? [];
  return HEALTHY.every((h) => conds.some((c) => c.type === h.type && c.status === h.status && c.reason === h.reason));
}

function conditions(current: Readonly<SimNodeObject> | undefined, now: number): NodeConditionView[] {
  const at = rfc3339(now);
  return HEALTHY.map((h) => {
    const prior = current?.status?.conditions?.find((c) => c.type === h.type);
    const since = prior && prior.status === h.status && prior.lastTransitionTime ? prior.lastTransitionTime : at;
    return { ...h, lastHeartbeatTime: at, lastTransitionTime: since };
  });
}

/** The status the kubelet posts; `current` (the stored Node) keeps conditions' transition times. */
export function nodeStatus(n: NodeIdentity, now: number, current?: Readonly<SimNodeObject>): Record<string, unknown> {
  const { spec } = n;
  const capacity = {
    cpu: spec.cpu ?? '4',
    memory: spec.memory ?? '16Gi',
    pods: String(spec.pods ?? 110),
    'ephemeral-storage': spec.ephemeralStorage ?? '100Gi',
    'hugepages-2Mi': '0',
  };
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: conditions(current, now),
    addresses: [{ type: 'InternalIP', address: n.internalIP }, { type: 'Hostname', address: spec.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hex(`machine/${spec.name}`, 32),
      systemUUID: uuidOf(`system/${spec.name}`),
      bootID: n.bootID,
      kernelVersion: '6.1.0-k8ts-sim',
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: SIM_RUNTIME_VERSION,
      kubeletVersion: SIM_KUBELET_VERSION,
      kubeProxyVersion: SIM_KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node a sim kubelet registers (status included, as kubelets register). */
export function nodeObject(n: NodeIdentity, now: number): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: n.spec.name,
      labels: nodeLabels(n.spec),
      annotations: { [SIM_NODE_ANNOTATION]: 'true', 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: n.spec.taints && n.spec.taints.length ? { taints: n.spec.taints.map((t) => ({ ...t })) } : {},
    status: nodeStatus(n, now),
  };
}

/** The node's Lease in kube-node-lease, owned by the Node so it goes with it. */
export function leaseObject(nodeName: string, o: { now: number; durationSeconds: number; resourceVersion?: string; nodeUid?: string }): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: nodeName, namespace: NODE_LEASE_NAMESPACE,
      ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
      ...(o.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: o.nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: o.durationSeconds, renewTime: rfc3339Micro(o.now) },
  };
}

/** A 64-hex-digit ID, as container runtimes use for containers. */
export function runtimeId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('/')).digest('hex');
}
