// The labels and annotations the kubelet puts on CRI sandboxes and containers (the names kubelet
// uses, so crictl and log shippers read them as usual). They are how a restarted kubelet finds the
// pods it already runs: everything it needs to adopt a container is written on it.
import { createHash } from 'node:crypto';
import type { Container } from '../api-types.js';

export const L_POD_NAME = 'io.kubernetes.pod.name';
export const L_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const L_POD_UID = 'io.kubernetes.pod.uid';
export const L_CONTAINER_NAME = 'io.kubernetes.container.name';
/** Which kubelet runs it: one containerd may serve several k8ts nodes. */
export const L_NODE = 'k8ts.io/node';
/** "init" or "regular" (kube's label io.kubernetes.container.type is not standard; ours is explicit). */
export const L_CONTAINER_KIND = 'k8ts.io/container-kind';

export const A_CONTAINER_HASH = 'io.kubernetes.container.hash';
export const A_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const A_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const A_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const A_GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';
export const A_PRESTOP = 'io.kubernetes.container.preStopHandler';
/** Host file mounted at terminationMessagePath. */
export const A_TERMINATION_FILE = 'k8ts.io/termination-message-file';

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x);

/** A hash of what defines the container (resources excluded, as kubelet's in-place-resize aware hash). */
export function containerHash(c: Readonly<Container>): string {
  const { resources: _r, ...rest } = c;
  return createHash('sha256').update(stable(rest)).digest('hex').slice(0, 8);
}
