// SPDX-License-Identifier: Apache-2.0
// Which container's log a request reads, from the pod's status — kubelet's
// validateContainerLogStatus (pkg/kubelet/kubelet_pods.go), with its exact messages: kube-apiserver
// passes them to kubectl as `Error from server (BadRequest): container "app" in pod "web" is
// waiting to start: ContainerCreating`.
import type { ContainerStatus, PodStatus } from '../api-types.js';

export type ContainerLogTarget =
  | { ok: true; containerId: string }
  | { ok: false; message: string };

/** The `containerd://` (or other scheme) prefix of a status containerID is dropped. */
function bareId(id: string): string {
  const at = id.indexOf('://');
  return at >= 0 ? id.slice(at + 3) : id;
}

export function containerLogTarget(podName: string, status: PodStatus | undefined, containerName: string, previous: boolean): ContainerLogTarget {
  const all: ContainerStatus[] = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])];
  const cs = all.find((c) => c.name === containerName);
  const fail = (message: string): ContainerLogTarget => ({ ok: false, message });
  if (!cs) return fail(`container "${containerName}" in pod "${podName}" is not available`);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  const id = (v: string | undefined): ContainerLogTarget => ({ ok: true, containerId: bareId(v ?? '') });
  if (previous) {
    if (!last?.containerID) return fail(`previous terminated container "${containerName}" in pod "${podName}" not found`);
    return id(last.containerID);
  }
  if (running) return id(cs.containerID);
  if (terminated) {
    // The next container did not start: its terminated state has no ID, the last one's log is shown.
    if (terminated.containerID) return id(terminated.containerID);
    if (last?.containerID) return id(last.containerID);
    return fail(`container "${containerName}" in pod "${podName}" is terminated`);
  }
  if (last) {
    if (!last.containerID) return fail(`container "${containerName}" in pod "${podName}" is terminated`);
    return id(last.containerID);
  }
  if (waiting) {
    switch (waiting.reason) {
      case 'ErrImagePull': return fail(`container "${containerName}" in pod "${podName}" is waiting to start: image can't be pulled`);
      case 'ImagePullBackOff': return fail(`container "${containerName}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
      default: return fail(`container "${containerName}" in pod "${podName}" is waiting to start: ${waiting.reason ?? ''}`);
    }
  }
  return fail(`container "${containerName}" in pod "${podName}" is waiting to start - no logs yet`);
}
