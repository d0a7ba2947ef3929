// Plain objects for the scheduler's unit tests: nodes and pods as the API would hand them over.
import type { Node, Pod, PodSpec, Taint } from './api-types.js';
import { buildPodInfo } from './pod-info.js';
import type { PodInfo } from './types.js';

export interface TestNode { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean }

export function testNode(name: string, o: TestNode = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable, capacity: allocatable },
  };
}

let uid = 0;

export function testPod(name: string, o: { ns?: string; labels?: Record<string, string>; cpu?: string; memory?: string; spec?: PodSpec; node?: string; terminating?: boolean } = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: o.ns ?? 'default', uid: `uid-${name}-${++uid}`, labels: o.labels ?? {},
      ...(o.terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c', resources: { requests } }], ...(o.node ? { nodeName: o.node } : {}), ...(o.spec ?? {}) },
  };
}

export const podInfo = (name: string, o: Parameters<typeof testPod>[1] = {}): PodInfo => buildPodInfo(testPod(name, o));
