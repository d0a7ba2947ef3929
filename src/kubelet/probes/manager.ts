// ProbeManager: the probes of every running container on the node (pkg/kubelet/prober
// prober_manager.go). The pod lifecycle calls sync() with a pod's running containers on each pod
// sync, reads ready()/started()/failed() to build container statuses and to decide restarts, and
// hears of changes through onResult (to sync the pod again) and of failed attempts through
// onUnhealthy (the Unhealthy event).
import pino, { type Logger } from 'pino';
import { realClock, type Clock } from '../../machinery/clock.js';
import { podUid, type Container, type Pod, type Probe } from '../api-types.js';
import { expandProbeCommand } from './expand.js';
import type { ProbeKind, ProbeTarget } from './types.js';
import { ProbeWorker, type ProbedInstance, type WorkerContext } from './worker.js';

/** A running container instance, as sync() is told of it. */
export interface RunningContainer {
  name: string;
  containerId: string;
  /** When it started (epoch ms, in the manager clock's time). */
  startedAt: number;
  target: ProbeTarget;
}

/** Why a container instance must be restarted. */
export interface ProbeFailure {
  kind: 'liveness' | 'startup';
  /** The kubelet's words, as in its Killing event: "Container web failed liveness probe". */
  message: string;
  /** The last failed attempt's output, e.g. "HTTP probe failed with statuscode: 500". */
  output: string;
}

export interface ProbeManagerOptions {
  clock?: Clock;
  log?: Logger;
  /**
   * A probe's result for a container instance changed (a threshold was reached with the other
   * value). Not called for the initial values (readiness false, liveness success, startup none).
   */
  onResult(podUid: string, container: string, kind: ProbeKind, result: 'success' | 'failure'): void;
  /** An attempt failed or errored: the message of the kubelet's Unhealthy event ("Liveness probe failed: …"). */
  onUnhealthy?(pod: Pod, container: string, kind: ProbeKind, message: string): void;
  /** An attempt succeeded with a warning: the message of the ProbeWarning event ("Readiness probe warning: …"). */
  onProbeWarning?(pod: Pod, container: string, kind: ProbeKind, message: string): void;
  /** Source of the first-probe jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}

const KINDS: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];
const PROBE_FIELD = { liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe' } as const;

interface Instance extends ProbedInstance {
  readonly probes: Partial<Record<ProbeKind, Probe>>;
  readonly workers: Map<ProbeKind, ProbeWorker>;
  /** Current results; unset means the initial value (readiness failure, liveness success, startup unknown). */
  readonly results: Partial<Record<ProbeKind, 'success' | 'failure'>>;
  failed: ProbeFailure | undefined;
}

interface PodEntry {
  pod: Pod;
  /** By containerId. */
  instances: Map<string, Instance>;
}

/** The spec of a container the kubelet probes: app containers and sidecars (restartable init containers). */
function probedContainer(pod: Pod, name: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === name)
    ?? pod.spec.initContainers?.find((c) => c.name === name && c.restartPolicy === 'Always');
}

export class ProbeManager {
  readonly #pods = new Map<string, PodEntry>();
  readonly #o: ProbeManagerOptions;
  readonly #log: Logger;
  readonly #ctx: WorkerContext;
  #stopped = false;

  constructor(o: ProbeManagerOptions) {
    this.#o = o;
    const clock = o.clock ?? realClock;
    this.#log = o.log ?? pino({ level: 'silent' });
    const random = o.random ?? Math.random;
    this.#ctx = {
      clock,
      log: this.#log,
      random,
      managerStart: clock.now(),
      isStarted: (inst) => isStarted(inst as Instance),
      setResult: (inst, kind, result, output) => this.#setResult(inst as Instance, kind, result, output),
      event: (inst, kind, reason, message) => this.#event(inst, kind, reason, message),
    };
  }

  /**
   * Makes the workers match the pod's running containers: one worker per (container instance,
   * probe kind). Instances no longer listed lose their workers and state; a new containerId (a
   * restart) starts with fresh state. A pod being deleted stops its liveness and startup probes.
   */
  sync(pod: Pod, running: readonly RunningContainer[]): void {
    if (this.#stopped) return;
    const uid = podUid(pod);
    const entry = this.#pods.get(uid) ?? { pod, instances: new Map<string, Instance>() };
    entry.pod = pod;
    const listed = new Set(running.map((r) => r.containerId));
    for (const [id, inst] of entry.instances) {
      if (!listed.has(id)) { stopWorkers(inst); entry.instances.delete(id); }
    }
    const deleting = Boolean(pod.metadata?.deletionTimestamp);
    for (const r of running) {
      const inst = entry.instances.get(r.containerId) ?? this.#addInstance(uid, pod, r);
      entry.instances.set(r.containerId, inst);
      inst.target = r.target;
      if (deleting && !inst.deleting) this.#shutDown(inst);
    }
    if (entry.instances.size > 0) this.#pods.set(uid, entry);
    else this.#pods.delete(uid);
  }

  /** Ready: started, and the readiness probe (if any) has passed. False for an instance sync() has not listed. */
  ready(podUid: string, containerId: string): boolean {
    const inst = this.#instance(podUid, containerId);
    if (!inst || !isStarted(inst)) return false;
    return !inst.probes.readiness || inst.results.readiness === 'success';
  }

  /** The startup probe has passed, or there is none. False for an instance sync() has not listed. */
  started(podUid: string, containerId: string): boolean {
    const inst = this.#instance(podUid, containerId);
    return inst !== undefined && isStarted(inst);
  }

  /** Liveness or startup reached failureThreshold for this container instance: it must be restarted. */
  failed(podUid: string, containerId: string): ProbeFailure | undefined {
    return this.#instance(podUid, containerId)?.failed;
  }

  removePod(podUid: string): void {
    const entry = this.#pods.get(podUid);
    if (!entry) return;
    for (const inst of entry.instances.values()) stopWorkers(inst);
    this.#pods.delete(podUid);
  }

  /** Stops every worker; later syncs are ignored. */
  stop(): void {
    this.#stopped = true;
    for (const uid of [...this.#pods.keys()]) this.removePod(uid);
  }

  #instance(podUid: string, containerId: string): Instance | undefined {
    return this.#pods.get(podUid)?.instances.get(containerId);
  }

  #addInstance(uid: string, pod: Pod, r: RunningContainer): Instance {
    const container = probedContainer(pod, r.name);
    const probes: Partial<Record<ProbeKind, Probe>> = {};
    for (const kind of KINDS) {
      const p = container?.[PROBE_FIELD[kind]];
      if (!p) continue;
      // Exec probes see only the container's literal env values (ExpandContainerCommandOnlyStatic).
      probes[kind] = p.exec?.command ? { ...p, exec: { command: expandProbeCommand(p.exec.command, container?.env) } } : p;
    }
    const inst: Instance = {
      podUid: uid, name: r.name, containerId: r.containerId, startedAt: r.startedAt, target: r.target,
      deleting: false, probes, workers: new Map(), results: {}, failed: undefined,
    };
    for (const kind of KINDS) {
      const probe = probes[kind];
      if (!probe) continue;
      const w = new ProbeWorker({ kind, probe, inst, ctx: this.#ctx });
      inst.workers.set(kind, w);
      w.start();
    }
    return inst;
  }

  /** Pod deletion: liveness and startup end with a success, so nothing restarts the container now. */
  #shutDown(inst: Instance): void {
    inst.deleting = true;
    for (const kind of ['startup', 'liveness'] as const) {
      const w = inst.workers.get(kind);
      if (!w) continue;
      w.stop();
      this.#setResult(inst, kind, 'success', '');
    }
  }

  #setResult(inst: Instance, kind: ProbeKind, result: 'success' | 'failure', output: string): void {
    const before = inst.results[kind] ?? (kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : undefined);
    inst.results[kind] = result;
    if (kind !== 'readiness') {
      if (result === 'failure') inst.failed = { kind, message: `Container ${inst.name} failed ${kind} probe`, output };
      else if (inst.failed?.kind === kind) inst.failed = undefined;
    }
    if (before === result) return;
    this.#log.debug({ pod: inst.podUid, container: inst.name, containerId: inst.containerId, probe: kind, result }, 'probe result changed');
    // The kubelet probes readiness at once when startup passes, rather than a period later.
    if (kind === 'startup' && result === 'success') inst.workers.get('readiness')?.trigger();
    this.#notify(() => this.#o.onResult(inst.podUid, inst.name, kind, result));
  }

  #event(inst: ProbedInstance, kind: ProbeKind, reason: 'Unhealthy' | 'ProbeWarning', message: string): void {
    const pod = this.#pods.get(inst.podUid)?.pod;
    if (!pod) return;
    this.#log.debug({ pod: inst.podUid, container: inst.name, probe: kind, reason }, message);
    const handler = reason === 'Unhealthy' ? this.#o.onUnhealthy : this.#o.onProbeWarning;
    if (handler) this.#notify(() => handler.call(this.#o, pod, inst.name, kind, message));
  }

  // Callbacks run after the current step, so one that calls back into sync() finds consistent state.
  #notify(f: () => void): void {
    queueMicrotask(() => {
      try { f(); } catch (err) { this.#log.error({ err }, 'probe callback failed'); }
    });
  }
}

function isStarted(inst: Instance): boolean {
  return !inst.probes.startup || inst.results.startup === 'success';
}

function stopWorkers(inst: Instance): void {
  for (const w of inst.workers.values()) w.stop();
}
