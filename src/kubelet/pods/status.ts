// The pod status the kubelet reports, computed from what the runtime holds (pkg/kubelet/
// kubelet_pods.go generateAPIPodStatus/getPhase, status/generate.go for conditions). Pure.
import { rfc3339 } from '../../machinery/object.js';
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../api-types.js';
import { latestOf, previousOf, type ContainerInfo, type PodRuntime } from './runtime-state.js';

export interface Waiting { reason: string; message?: string }

export interface StatusInput {
  pod: Pod;
  rt: PodRuntime | undefined;
  now: number;
  hostIP: string;
  podIPs: string[];
  /** Why a container is not running, when the kubelet knows (keyed "init/NAME" or "regular/NAME"). */
  waiting: ReadonlyMap<string, Waiting>;
  /** Readiness / startup of a running container instance (by container id). */
  ready(containerId: string): boolean;
  started(containerId: string): boolean;
  /** The sandbox is up with its network. */
  sandboxReady: boolean;
  /** Set when the kubelet decided the pod is over (deadline exceeded, ...). */
  failed?: { reason: string; message: string };
  /** Termination messages read from containers' message files, by container id. */
  messages?: ReadonlyMap<string, string>;
}

export const waitingKey = (kind: 'init' | 'regular', name: string): string => `${kind}/${name}`;
export const criContainerId = (id: string): string => `containerd://${id}`;

function terminated(c: ContainerInfo, messages?: ReadonlyMap<string, string>): ContainerState {
  const message = messages?.get(c.id) || c.message || undefined;
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(message ? { message } : {}),
      startedAt: c.startedAt ? rfc3339(c.startedAt) : undefined,
      finishedAt: c.finishedAt ? rfc3339(c.finishedAt) : undefined,
      containerID: criContainerId(c.id),
    } as NonNullable<ContainerState['terminated']>,
  };
}

function containerStatus(spec: Container, kind: 'init' | 'regular', i: StatusInput, defaultWaiting: string): ContainerStatus {
  const latest = latestOf(i.rt, spec.name, kind);
  const prev = previousOf(i.rt, spec.name, kind);
  const waiting = i.waiting.get(waitingKey(kind, spec.name));
  const base = { name: spec.name, image: spec.image ?? '', imageID: '' };
  if (!latest) {
    return { ...base, state: { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting?.message ? { message: waiting.message } : {}) } }, lastState: {}, ready: false, restartCount: 0, started: false };
  }
  const ids = { image: latest.image || base.image, imageID: latest.imageRef, containerID: criContainerId(latest.id) };
  if (latest.state === 'running') {
    const started = i.started(latest.id);
    return {
      ...base, ...ids,
      state: { running: { startedAt: rfc3339(latest.startedAt || latest.createdAt) } },
      lastState: prev && prev.state === 'exited' ? terminated(prev, i.messages) : {},
      ready: started && i.ready(latest.id), restartCount: latest.restartCount, started,
    };
  }
  if (latest.state === 'exited') {
    if (waiting) {
      // Exited and waiting to restart (CrashLoopBackOff, ...): the exit is the last state.
      return { ...base, ...ids, state: { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } }, lastState: terminated(latest, i.messages), ready: false, restartCount: latest.restartCount, started: false };
    }
    return { ...base, ...ids, state: terminated(latest, i.messages), lastState: prev && prev.state === 'exited' ? terminated(prev, i.messages) : {}, ready: false, restartCount: latest.restartCount, started: false };
  }
  // Created, not started yet.
  return { ...base, ...ids, state: { waiting: { reason: waiting?.reason ?? 'ContainerCreating', ...(waiting?.message ? { message: waiting.message } : {}) } }, lastState: prev && prev.state === 'exited' ? terminated(prev, i.messages) : {}, ready: false, restartCount: latest.restartCount, started: false };
}

/** Init containers all done (sidecars: started). */
export function initDone(pod: Pod, rt: PodRuntime | undefined): boolean {
  for (const c of pod.spec.initContainers ?? []) {
    const l = latestOf(rt, c.name, 'init');
    if (c.restartPolicy === 'Always') { if (!l || l.state !== 'running') return false; continue; }
    if (!l || l.state !== 'exited' || l.exitCode !== 0) return false;
  }
  return true;
}

/** getPhase: from the containers' states and the restart policy. */
export function podPhase(pod: Pod, statuses: ContainerStatus[], inits: ContainerStatus[], rt: PodRuntime | undefined): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (!initDone(pod, rt)) {
    const failedInit = inits.some((s) => (s.state.terminated && s.state.terminated.exitCode !== 0) || (s.state.waiting && s.lastState.terminated && s.lastState.terminated.exitCode !== 0));
    if (policy === 'Never' && failedInit) return 'Failed';
    return 'Pending';
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) { stopped++; if (s.state.terminated.exitCode === 0) succeeded++; }
    else if (s.state.waiting) {
      if (s.lastState.terminated) { stopped++; if (s.lastState.terminated.exitCode === 0) succeeded++; }
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function conditions(pod: Pod, i: StatusInput, statuses: ContainerStatus[], phase: string): PodCondition[] {
  const at = rfc3339(i.now);
  const prior = pod.status?.conditions ?? [];
  const keep = (c: PodCondition): PodCondition => {
    const p = prior.find((x) => x.type === c.type);
    const same = p && p.status === c.status && (p.reason ?? '') === (c.reason ?? '');
    return { ...c, lastProbeTime: null, lastTransitionTime: same && p.lastTransitionTime ? p.lastTransitionTime : at };
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const init = initDone(pod, i.rt) || terminal;
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const reason = terminal ? (phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed') : undefined;
  const containersReady: PodCondition = !init
    ? { type: 'ContainersReady', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${(pod.spec.initContainers ?? []).map((c) => c.name).join(' ')}]` }
    : unready.length
      ? { type: 'ContainersReady', status: 'False', reason: reason ?? 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
      : { type: 'ContainersReady', status: 'True' };
  let ready: PodCondition = { ...containersReady, type: 'Ready' };
  if (ready.status === 'True') {
    const gates: string[] = [];
    for (const g of pod.spec.readinessGates ?? []) {
      const c = prior.find((x) => x.type === g.conditionType);
      if (!c) gates.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
      else if (c.status !== 'True') gates.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
    }
    if (gates.length) ready = { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gates.join(', ') };
  }
  const initCond: PodCondition = init ? { type: 'Initialized', status: 'True' }
    : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${(pod.spec.initContainers ?? []).filter((c) => { const l = latestOf(i.rt, c.name, 'init'); return !l || l.state !== 'exited' || l.exitCode !== 0; }).map((c) => c.name).join(' ')}]` };
  const out = [
    keep({ type: 'PodReadyToStartContainers', status: i.sandboxReady && !terminal ? 'True' : 'False' }),
    keep(initCond),
    keep(ready),
    keep(containersReady),
  ];
  // Conditions others own (PodScheduled, DisruptionTarget, readiness gates) stay as they are.
  const ours = new Set(out.map((c) => c.type));
  return [...out, ...prior.filter((c) => !ours.has(c.type))];
}

export function podStatus(i: StatusInput): PodStatus {
  const { pod } = i;
  const inits = (pod.spec.initContainers ?? []).map((c) => containerStatus(c, 'init', i, 'PodInitializing'));
  const initializing = !initDone(pod, i.rt);
  const statuses = pod.spec.containers.map((c) => containerStatus(c, 'regular', i, initializing ? 'PodInitializing' : 'ContainerCreating'));
  let phase = podPhase(pod, statuses, inits, i.rt);
  if (i.failed) phase = 'Failed';
  // A pod already terminal never goes back (kubelet never un-terminates a pod).
  const was = pod.status?.phase;
  if (was === 'Succeeded' || was === 'Failed') phase = was;
  const status: PodStatus = {
    phase,
    conditions: conditions(pod, i, statuses, phase),
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    startTime: pod.status?.startTime ?? rfc3339(i.now),
    containerStatuses: statuses,
    ...(inits.length ? { initContainerStatuses: inits } : {}),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
  const ips = pod.spec.hostNetwork ? [i.hostIP] : i.podIPs;
  if (ips.length) { status.podIP = ips[0]; status.podIPs = ips.map((ip) => ({ ip })); }
  else if (pod.status?.podIP) { status.podIP = pod.status.podIP; status.podIPs = pod.status.podIPs ?? [{ ip: pod.status.podIP }]; }
  if (i.failed) { status.reason = i.failed.reason; status.message = i.failed.message; }
  else if (pod.status?.reason) { status.reason = pod.status.reason; if (pod.status.message) status.message = pod.status.message; }
  return status;
}
