// Objects the endpoints and endpointslice tests create: there are no kubelets in those tests, so
// a pod's IP and readiness are written through pods/status as a kubelet would.
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';

export interface TestPod {
  name: string;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  nodeName?: string;
  ns?: string;
}

export async function createPod(client: ApiClient, p: TestPod): Promise<KubeObject> {
  return client.create(R.pods, p.ns ?? 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: p.name, labels: p.labels ?? {} },
    spec: { ...(p.nodeName ? { nodeName: p.nodeName } : {}), containers: [{ name: 'c', image: 'busybox', ports: p.ports ?? [] }] },
  });
}

/** What a kubelet reports: Running, an IP, Ready or not. */
export async function setPodStatus(client: ApiClient, name: string, s: { ip?: string; ready: boolean; ns?: string; phase?: string }): Promise<void> {
  const ns = s.ns ?? 'default';
  const pod = await client.get(R.pods, ns, name);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  pod.status = {
    phase: s.phase ?? 'Running',
    ...(s.ip ? { podIP: s.ip, podIPs: [{ ip: s.ip }] } : {}),
    conditions: [
      { type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'ContainersReady', status: s.ready ? 'True' : 'False', lastTransitionTime: now },
    ],
  };
  await client.update(R.pods, ns, pod, { subresource: 'status' });
}

export async function createNode(client: ApiClient, name: string, labels: Record<string, string> = {}): Promise<void> {
  await client.create(R.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
}
