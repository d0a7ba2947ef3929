// The pod status a kubelet reports in each state (pkg/kubelet/status/generate.go for the
// conditions, kuberuntime for container statuses), built from the pod as stored. Pure functions:
// ids derive from the pod's uid, times from `now`.
import { rfc3339 } from '../../../machinery/object.js';
import { runtimeId } from './node-object.js';
import { formatDuration } from './duration.js';
import type { ContainerStatusView, ContainerView, PodConditionView, SimPod } from './types.js';

export interface StatusContext {
  now: number;
  hostIP: string;
  /** The pod's IP (the runner allocates it; hostNetwork pods get hostIP). */
  podIP: string;
}

type Status = Record<string, unknown>;

/** "nginx" → "docker.io/library/nginx:latest", as containerd reports image names. */
export function normalizeImage(image: string): string {
  let name = image;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastSlash = name.lastIndexOf('/');
  if (!name.includes('@') && !name.slice(lastSlash).includes(':')) name += ':latest';
  return name;
}

export function imageId(image: string): string {
  const n = normalizeImage(image);
  const at = n.indexOf('@');
  if (at >= 0) return n;
  const repo = n.slice(0, n.lastIndexOf(':'));
  return `${repo}@sha256:${runtimeId('image', n)}`;
}

const containerId = (pod: Readonly<SimPod>, name: string, restarts: number): string =>
  `sim://${runtimeId(pod.metadata?.uid ?? '', name, restarts)}`;

const priorOf = (list: readonly ContainerStatusView[] | undefined, name: string) => list?.find((s) => s.name === name);

/** The pod's conditions with ours merged in; transition times kept where the status did not change. */
function conditions(pod: Readonly<SimPod>, now: number, set: readonly PodConditionView[]): PodConditionView[] {
  const at = rfc3339(now);
  return set.map((c) => {
    const prior = pod.status?.conditions?.find((p) => p.type === c.type);
    const keep = prior && prior.status === c.status && prior.reason === c.reason;
    return { ...c, lastProbeTime: null, lastTransitionTime: keep && prior.lastTransitionTime ? prior.lastTransitionTime : at };
  });
}

/** Ready = containers ready and every readiness gate's condition True (generate.go GeneratePodReadyCondition). */
function readyCondition(pod: Readonly<SimPod>, unready: readonly string[]): PodConditionView {
  if (unready.length) return { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const missing: string[] = [];
  const notTrue: string[] = [];
  for (const g of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === g.conditionType);
    if (!c) missing.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') notTrue.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  const why = [...missing, ...notTrue];
  if (why.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: why.join(', ') };
  return { type: 'Ready', status: 'True' };
}

/** Whether the stored Ready condition says what it should for running containers. */
export function readyIsCurrent(pod: Readonly<SimPod>): boolean {
  const want = readyCondition(pod, []);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const containersReady = pod.status?.conditions?.find((c) => c.type === 'ContainersReady');
  return ready?.status === want.status && containersReady?.status === 'True';
}

const scheduled: PodConditionView = { type: 'PodScheduled', status: 'True' };

function initStatuses(pod: Readonly<SimPod>, at: string): ContainerStatusView[] | undefined {
  const inits = pod.spec?.initContainers ?? [];
  if (!inits.length) return undefined;
  return inits.map((c) => {
    const prior = priorOf(pod.status?.initContainerStatuses, c.name);
    if (prior && (prior.state?.terminated || prior.state?.running)) return { ...prior };
    const image = normalizeImage(c.image ?? '');
    const id = containerId(pod, c.name, 0);
    // A restartable init container is a sidecar: it keeps running beside the app containers.
    const state = c.restartPolicy === 'Always'
      ? { running: { startedAt: at } }
      : { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: id } };
    return { name: c.name, state, lastState: {}, ready: true, restartCount: 0, image, imageID: imageId(c.image ?? ''), containerID: id, started: c.restartPolicy === 'Always' };
  });
}

function runningContainer(pod: Readonly<SimPod>, c: ContainerView, at: string): ContainerStatusView {
  const prior = priorOf(pod.status?.containerStatuses, c.name);
  if (prior?.state?.running) return { ...prior, ready: true, started: true };
  // A container that exited comes back as a new container: one more restart.
  const restarts = (prior?.restartCount ?? 0) + (prior ? 1 : 0);
  return {
    name: c.name, state: { running: { startedAt: at } }, lastState: prior?.lastState ?? {}, ready: true, restartCount: restarts,
    image: normalizeImage(c.image ?? ''), imageID: imageId(c.image ?? ''), containerID: containerId(pod, c.name, restarts), started: true,
  };
}

/** Running: every container started and ready (readiness probes pass at once in the sim). */
export function runningStatus(pod: Readonly<SimPod>, ctx: StatusContext): Status {
  const at = rfc3339(ctx.now);
  const containers = (pod.spec?.containers ?? []).map((c) => runningContainer(pod, c, at));
  const inits = initStatuses(pod, at);
  const set: PodConditionView[] = [
    { type: 'PodReadyToStartContainers', status: 'True' },
    { type: 'Initialized', status: 'True' },
    readyCondition(pod, []),
    { type: 'ContainersReady', status: 'True' },
  ];
  if (!pod.status?.conditions?.some((c) => c.type === 'PodScheduled')) set.push(scheduled);
  return {
    phase: 'Running',
    conditions: conditions(pod, ctx.now, set),
    hostIP: ctx.hostIP, hostIPs: [{ ip: ctx.hostIP }],
    podIP: ctx.podIP, podIPs: [{ ip: ctx.podIP }],
    startTime: pod.status?.startTime ?? at,
    containerStatuses: containers,
    ...(inits ? { initContainerStatuses: inits } : {}),
  };
}

function terminatedState(pod: Readonly<SimPod>, c: ContainerView, exitCode: number, at: string): { prior: ContainerStatusView | undefined; terminated: Record<string, unknown> } {
  const prior = priorOf(pod.status?.containerStatuses, c.name);
  return {
    prior,
    terminated: {
      exitCode, reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: prior?.state?.running?.startedAt ?? at, finishedAt: at,
      containerID: prior?.containerID ?? containerId(pod, c.name, 0),
    },
  };
}

/** Every container exited and will not restart: Succeeded (all 0) or Failed. */
export function terminalStatus(pod: Readonly<SimPod>, ctx: StatusContext, exitCode: number): Status {
  const at = rfc3339(ctx.now);
  const reason = exitCode === 0 ? 'PodCompleted' : 'PodFailed';
  const containers = (pod.spec?.containers ?? []).map((c) => {
    const { prior, terminated } = terminatedState(pod, c, exitCode, at);
    return {
      name: c.name, state: { terminated }, lastState: prior?.lastState ?? {}, ready: false, restartCount: prior?.restartCount ?? 0,
      image: normalizeImage(c.image ?? ''), imageID: imageId(c.image ?? ''), containerID: terminated.containerID, started: false,
    };
  });
  return {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: conditions(pod, ctx.now, [
      { type: 'PodReadyToStartContainers', status: 'False' },
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason },
      { type: 'ContainersReady', status: 'False', reason },
    ]),
    containerStatuses: containers,
  };
}

/** Restart back-off of a container that exited `restarts` times before (10s, 20s, ... 5m). */
export function backoffMs(baseMs: number, restarts: number): number {
  return Math.min(baseMs * 2 ** Math.min(restarts, 30), Math.max(baseMs, 300_000));
}

/** Containers exited and will restart (restartPolicy Always, or OnFailure after a failure): CrashLoopBackOff. */
export function crashedStatus(pod: Readonly<SimPod>, ctx: StatusContext, exitCode: number, baseBackoffMs: number): Status {
  const at = rfc3339(ctx.now);
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const containers = (pod.spec?.containers ?? []).map((c) => {
    const { prior, terminated } = terminatedState(pod, c, exitCode, at);
    const restarts = prior?.restartCount ?? 0;
    const meta = pod.metadata ?? {};
    return {
      name: c.name,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(backoffMs(baseBackoffMs, restarts))} restarting failed container=${c.name} pod=${meta.name ?? ''}_${meta.namespace ?? ''}(${meta.uid ?? ''})` } },
      lastState: { terminated }, ready: false, restartCount: restarts,
      image: normalizeImage(c.image ?? ''), imageID: imageId(c.image ?? ''), containerID: terminated.containerID, started: false,
    };
  });
  const message = `containers with unready status: [${names.join(' ')}]`;
  return {
    phase: 'Running',
    conditions: conditions(pod, ctx.now, [
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message },
    ]),
    containerStatuses: containers,
  };
}
