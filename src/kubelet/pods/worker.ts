// Syncing one pod (kubelet's SyncPod / SyncTerminatingPod, kuberuntime's computePodActions): read
// what the runtime holds for the pod's uid, decide the next steps from the pod spec, act through
// CRI, then report the status. Level-triggered and idempotent: a restarted kubelet calls the same
// code and adopts what runs (a ready sandbox is reused, a running container is kept).
import { mkdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { R } from '../../client/index.js';
import type { ApiClient, EventRecorder } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import { isStatusError } from '../../machinery/errors.js';
import type { Result } from '../../controllers/runtime/types.js';
import type { Container, Pod, PodStatus, Secret } from '../api-types.js';
import type { CriClient, Mount } from '../runtime/cri/index.js';
import { isNotFound } from '../runtime/cri/index.js';
import type { ProbeTarget, RunningContainer } from '../probes/index.js';
import { Backoff, goDuration } from './backoff.js';
import { removeCgroup } from './cgroups.js';
import { containerConfig, podCgroupParent, podLogDir, sandboxConfig, type SandboxContext } from './cri-config.js';
import { ContainerConfigError, containerEnv, expandCommand, type EnvSources } from './env.js';
import { ImageManager, ImagePullError, rpcErrorText } from './images.js';
import { A_GRACE_PERIOD, A_PRESTOP, containerHash } from './labels.js';
import { latestOf, type ContainerInfo, type PodRuntime, type RuntimeReader } from './runtime-state.js';
import { initDone, podStatus, waitingKey, type Waiting } from './status.js';

/** What the worker needs of the volume manager. */
export interface PodVolumes {
  setUp(pod: Pod): Promise<Map<string, { hostPath: string; readOnly: boolean }>>;
  mountsFor(pod: Pod, c: Container, volumes: Map<string, { hostPath: string; readOnly: boolean }>, env: Record<string, string>): Mount[];
  tearDown(uid: string): Promise<void>;
}

/** What the worker needs of the prober. */
export interface PodProbes {
  sync(pod: Pod, running: readonly RunningContainer[]): void;
  ready(uid: string, containerId: string): boolean;
  started(uid: string, containerId: string): boolean;
  failed(uid: string, containerId: string): { kind: string; message: string } | undefined;
  removePod(uid: string): void;
}

export interface WorkerDeps {
  client: ApiClient;
  cri: CriClient;
  reader: RuntimeReader;
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  volumes: PodVolumes;
  probes: PodProbes;
  sandbox: SandboxContext;
  nodeName: string;
  hostIP: () => string;
  /** <root>/pods: per-pod kubelet state (termination message files, volumes). */
  podsDir: string;
  /** /var/log/containers (links to the pod log files). */
  containerLogsDir: string;
  env: Omit<EnvSources, 'hostIP' | 'podIPs'>;
  memoryCapacity: number;
  crashBackoff?: Backoff;
}

const MIN_GRACE_SECONDS = 2;
const RETRY_MS = 5_000;
const TERMINAL = new Set(['Succeeded', 'Failed']);

export class PodWorker {
  readonly #images: ImageManager;
  readonly #crash: Backoff;
  /** Why containers wait, per pod uid. */
  readonly #waiting = new Map<string, Map<string, Waiting>>();
  readonly #posted = new Map<string, string>();
  readonly #podIPs = new Map<string, string[]>(); // sandbox id → IPs
  readonly #messages = new Map<string, string>(); // container id → termination message
  readonly #deadline = new Set<string>();
  /** The startTime this kubelet reported, by uid: the informer's copy may not show it yet. */
  readonly #startTime = new Map<string, string>();
  /** The runtime as the sync just left it, so the status needs no second read. */
  readonly #fresh = new Map<string, PodRuntime>();

  constructor(private readonly d: WorkerDeps) {
    this.#images = new ImageManager(d.cri, () => d.clock.now());
    this.#crash = d.crashBackoff ?? new Backoff();
  }

  /** Brings the runtime in line with the pod; `pod` undefined means the pod is gone from the API. */
  async sync(uid: string, pod: Pod | undefined): Promise<Result | void> {
    const rt = await this.d.reader.pod(uid);
    if (!pod) {
      if (rt) await this.#cleanup(uid, rt, undefined);
      return;
    }
    if (pod.metadata?.deletionTimestamp) return this.#terminate(pod, rt);
    if (TERMINAL.has(pod.status?.phase ?? '')) {
      await this.#stopAll(pod, rt, 0, 'terminal');
      return;
    }
    const deadline = pod.spec.activeDeadlineSeconds;
    const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
    if (deadline !== undefined && start !== undefined && this.d.clock.now() - start >= deadline * 1000) {
      this.#deadline.add(uid);
      this.d.events.record(pod, 'Normal', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
      await this.#stopAll(pod, rt, pod.spec.terminationGracePeriodSeconds ?? 30, 'deadline');
      await this.#report(pod, await this.d.reader.pod(uid), { failed: { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' } });
      return;
    }
    this.#fresh.delete(uid);
    const next = await this.#run(pod, rt);
    const after = this.#fresh.get(uid) ?? await this.d.reader.pod(uid);
    this.#fresh.delete(uid);
    await this.#report(pod, after);
    if (deadline !== undefined && start !== undefined) {
      const left = start + deadline * 1000 - this.d.clock.now();
      if (left > 0 && (next === undefined || left < next)) return { requeueAfterMs: left };
    }
    return next !== undefined ? { requeueAfterMs: next } : undefined;
  }

  #setWaiting(uid: string, key: string, w: Waiting | undefined): void {
    let m = this.#waiting.get(uid);
    if (!m) this.#waiting.set(uid, (m = new Map()));
    if (w) m.set(key, w); else m.delete(key);
  }

  /** One pass of computePodActions + act; returns ms until something is due again. */
  async #run(pod: Pod, rt: PodRuntime | undefined): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const policy = pod.spec.restartPolicy ?? 'Always';
    let sandbox = rt?.sandboxes[0];
    if (!sandbox || !sandbox.ready) {
      const anyRan = (rt?.containers.length ?? 0) > 0;
      if (sandbox && policy === 'Never' && anyRan) {
        // The pod's sandbox died after its containers ran: with restartPolicy Never it is over.
        await this.#stopAll(pod, rt, 0, 'sandbox gone');
        return undefined;
      }
      if (sandbox || anyRan) {
        this.d.events.record(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
        await this.#stopAll(pod, rt, pod.spec.terminationGracePeriodSeconds ?? 30, 'sandbox changed');
      }
      const attempt = sandbox ? sandbox.attempt + 1 : 0;
      try {
        await mkdir(podLogDir(this.d.sandbox.podLogsDir, pod), { recursive: true });
        const id = await this.d.cri.runPodSandbox(sandboxConfig(pod, attempt, this.d.sandbox));
        sandbox = { id, ready: true, attempt, createdAt: this.d.clock.now() };
      } catch (e) {
        this.d.events.record(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${rpcErrorText(e)}`);
        this.d.log.info({ pod: podName(pod), err: rpcErrorText(e) }, 'pod sandbox not created; retrying');
        return RETRY_MS;
      }
      rt = await this.d.reader.pod(uid);
    }
    // Init containers run again in a new sandbox; regular containers count restarts across sandboxes.
    const sandboxId = sandbox.id;
    const initView = rt ? { ...rt, containers: rt.containers.filter((c) => c.kind !== 'init' || c.sandboxId === sandboxId) } : undefined;
    const podIPs = await this.#sandboxIPs(sandbox.id);

    let volumes: Map<string, { hostPath: string; readOnly: boolean }>;
    try {
      volumes = await this.d.volumes.setUp(pod);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.d.events.record(pod, 'Warning', 'FailedMount', msg);
      return RETRY_MS;
    }
    const ctx: StartContext = { pod, sandboxId: sandbox.id, podIPs, volumes, rt };

    // Init containers, in order; each must succeed before the next (sidecars: must be running).
    let nextDue: number | undefined;
    const due = (ms: number | undefined) => { if (ms !== undefined && (nextDue === undefined || ms < nextDue)) nextDue = ms; };
    for (const c of pod.spec.initContainers ?? []) {
      const last = latestOf(initView, c.name, 'init');
      const sidecar = c.restartPolicy === 'Always';
      if (last?.state === 'running') {
        if (sidecar) continue;
        return undefined; // wait for it to finish (PLEG wakes us)
      }
      if (last?.state === 'exited' && last.exitCode === 0 && !sidecar) continue;
      if (last?.state === 'exited' && policy === 'Never' && !sidecar) return undefined; // failed for good: phase Failed
      due(await this.#startWithBackoff(ctx, c, 'init', last));
      if (!sidecar) return nextDue;
    }
    if (!initDone(pod, initView) && (pod.spec.initContainers ?? []).some((c) => c.restartPolicy === 'Always')) return nextDue ?? 1000;

    const running: RunningContainer[] = [];
    const target = (c: Container, containerId: string): ProbeTarget => ({
      podIP: pod.spec.hostNetwork ? this.d.hostIP() : (podIPs[0] ?? ''), hostIP: this.d.hostIP(), hostNetwork: !!pod.spec.hostNetwork, containerId,
      ports: c.ports ?? [],
      exec: async (cmd, timeoutSeconds) => {
        const r = await this.d.cri.execSync(containerId, cmd, timeoutSeconds);
        return { exitCode: r.exit_code, stdout: r.stdout, stderr: r.stderr };
      },
    });
    for (const c of pod.spec.containers) {
      const last = latestOf(rt, c.name, 'regular');
      if (last?.state === 'running' || last?.state === 'created') {
        const failed = last.state === 'running' ? this.d.probes.failed(uid, last.id) : undefined;
        const changed = last.hash && last.hash !== containerHash(c);
        if (failed || changed) {
          const why = failed ? `Container ${c.name} failed ${failed.kind} probe, will be restarted` : `Container ${c.name} definition changed, will be restarted`;
          this.d.events.record(pod, 'Normal', 'Killing', why);
          await this.#stopContainer(pod, last, pod.spec.terminationGracePeriodSeconds ?? 30);
          // Restarted at once (kubelet: a killed-by-kubelet container is not in crash back-off).
          due(await this.#start(ctx, c, 'regular', last.restartCount + 1));
          continue;
        }
        if (last.state === 'created') {
          try { await this.d.cri.startContainer(last.id); } catch (e) { this.d.log.info({ err: rpcErrorText(e) }, 'start of created container failed'); }
        }
        running.push({ name: c.name, containerId: last.id, startedAt: last.startedAt || last.createdAt, target: target(c, last.id) });
        this.#setWaiting(uid, waitingKey('regular', c.name), undefined);
        continue;
      }
      if (last?.state === 'exited') {
        const restart = policy === 'Always' || (policy === 'OnFailure' && last.exitCode !== 0);
        if (!restart) { this.#setWaiting(uid, waitingKey('regular', c.name), undefined); continue; }
      }
      due(await this.#startWithBackoff(ctx, c, 'regular', last));
    }
    const fresh = await this.d.reader.pod(uid);
    if (fresh) this.#fresh.set(uid, fresh);
    for (const c of pod.spec.containers) {
      const l = latestOf(fresh, c.name, 'regular');
      if (l?.state === 'running' && !running.some((r) => r.containerId === l.id)) running.push({ name: c.name, containerId: l.id, startedAt: l.startedAt || l.createdAt, target: target(c, l.id) });
    }
    this.d.probes.sync(pod, running);
    await this.#gcExited(fresh);
    return nextDue;
  }

  async #sandboxIPs(id: string): Promise<string[]> {
    const cached = this.#podIPs.get(id);
    if (cached) return cached;
    const st = await this.d.cri.podSandboxStatus(id);
    const net = st.status?.network;
    const ips = net?.ip ? [net.ip, ...(net.additional_ips ?? []).map((a) => a.ip)] : [];
    if (st.status?.state === 'SANDBOX_READY') this.#podIPs.set(id, ips);
    return ips;
  }

  /** Starts a container that exited (or never ran), honouring the crash back-off. Returns ms until due. */
  async #startWithBackoff(ctx: StartContext, c: Container, kind: 'init' | 'regular', last: ContainerInfo | undefined): Promise<number | undefined> {
    const uid = ctx.pod.metadata?.uid ?? '';
    if (last?.state === 'exited') {
      const key = `${uid}/${kind}/${c.name}`;
      const now = this.d.clock.now();
      if (last.finishedAt - last.startedAt > 2 * this.#crash.maxMs) this.#crash.reset(key);
      const delay = this.#crash.failed(key, last.id, last.finishedAt || now);
      const left = this.#crash.remaining(key, now);
      if (left > 0) {
        const meta = ctx.pod.metadata ?? {};
        const message = `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${meta.name}_${meta.namespace}(${uid})`;
        const prior = this.#waiting.get(uid)?.get(waitingKey(kind, c.name));
        if (prior?.reason !== 'CrashLoopBackOff' || prior.message !== message) this.d.events.record(ctx.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${meta.name}_${meta.namespace}(${uid})`);
        this.#setWaiting(uid, waitingKey(kind, c.name), { reason: 'CrashLoopBackOff', message });
        return left;
      }
    }
    return this.#start(ctx, c, kind, last ? last.restartCount + 1 : 0);
  }

  /** Pull, configure, create and start one container. Returns ms until a retry is due, if it could not. */
  async #start(ctx: StartContext, c: Container, kind: 'init' | 'regular', restartCount: number): Promise<number | undefined> {
    const { pod } = ctx;
    const uid = pod.metadata?.uid ?? '';
    const wkey = waitingKey(kind, c.name);
    const sbConfig = sandboxConfig(pod, 0, this.d.sandbox);
    const events = {
      normal: (reason: string, message: string) => this.d.events.record(pod, 'Normal', reason, message),
      warning: (reason: string, message: string) => this.d.events.record(pod, 'Warning', reason, message),
    };
    let image: string;
    try {
      image = await this.#images.ensure(pod, c, () => this.#pullSecrets(pod), sbConfig, events);
    } catch (e) {
      if (e instanceof ImagePullError) {
        this.#setWaiting(uid, wkey, { reason: e.reason, message: e.message });
        if (e.reason === 'ErrImageNeverPull' || e.reason === 'InvalidImageName') return RETRY_MS * 2;
        // Right after a failed pull, sync again soon: the pod then shows ImagePullBackOff while the
        // back-off runs (as kubelet's), and the next pull is due when it ends.
        if (e.reason === 'ErrImagePull') return 1000;
        return Math.max(1000, this.#images.retryInMs(pod, c.image ?? ''));
      }
      throw e;
    }
    let env: Array<[string, string]>;
    try {
      env = await containerEnv(pod, c, { ...this.d.env, hostIP: this.d.hostIP(), podIPs: ctx.podIPs });
    } catch (e) {
      if (e instanceof ContainerConfigError) {
        this.#setWaiting(uid, wkey, { reason: e.reason, message: e.message });
        events.warning('Failed', `Error: ${e.message}`);
        return RETRY_MS;
      }
      throw e;
    }
    const envMap = Object.fromEntries(env);
    let mounts: Mount[];
    try {
      mounts = this.d.volumes.mountsFor(pod, c, ctx.volumes, envMap);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.#setWaiting(uid, wkey, { reason: 'CreateContainerConfigError', message: msg });
      events.warning('Failed', `Error: ${msg}`);
      return RETRY_MS;
    }
    const termDir = join(this.d.podsDir, uid, 'containers', c.name);
    await mkdir(termDir, { recursive: true });
    const terminationFile = join(termDir, `${restartCount}-${Math.random().toString(36).slice(2, 10)}`);
    await writeFile(terminationFile, '', { mode: 0o666 });
    const config = containerConfig(pod, c, {
      nodeName: this.d.nodeName, image, restartCount, kind, env,
      command: expandCommand(c.command, env), args: expandCommand(c.args, env),
      mounts, terminationFile, memoryCapacity: this.d.memoryCapacity,
    });
    let id: string;
    try {
      id = await this.d.cri.createContainer(ctx.sandboxId, config, sbConfig);
    } catch (e) {
      const msg = rpcErrorText(e);
      this.#setWaiting(uid, wkey, { reason: 'CreateContainerError', message: msg });
      events.warning('Failed', `Error: ${msg}`);
      return RETRY_MS;
    }
    events.normal('Created', `Created container ${c.name}`);
    await this.#linkLog(pod, c.name, restartCount, id);
    try {
      await this.d.cri.startContainer(id);
    } catch (e) {
      const msg = rpcErrorText(e);
      this.#setWaiting(uid, wkey, { reason: 'RunContainerError', message: msg });
      events.warning('Failed', `Error: ${msg}`);
      return RETRY_MS;
    }
    this.#setWaiting(uid, wkey, undefined);
    events.normal('Started', `Started container ${c.name}`);
    if (c.lifecycle?.postStart) {
      const err = await this.#runHook(c.lifecycle.postStart, id, ctx.podIPs[0] ?? '', pod.spec.terminationGracePeriodSeconds ?? 30);
      if (err) {
        events.warning('FailedPostStartHook', `PostStartHook failed: ${err}`);
        await this.#stopContainer(pod, { id, name: c.name } as ContainerInfo, pod.spec.terminationGracePeriodSeconds ?? 30);
      }
    }
    return undefined;
  }

  async #pullSecrets(pod: Pod): Promise<Secret[]> {
    const ns = pod.metadata?.namespace ?? 'default';
    const out: Secret[] = [];
    for (const ref of pod.spec.imagePullSecrets ?? []) {
      try { out.push(await this.d.client.get<Secret>(R.secrets, ns, ref.name)); } catch (e) {
        if (!(isStatusError(e) && e.code === 404)) throw e;
        this.d.log.info({ pod: podName(pod), secret: ref.name }, 'imagePullSecret not found');
      }
    }
    return out;
  }

  /** /var/log/containers/<pod>_<ns>_<container>-<id>.log → the CRI log file, as kubelet links them. */
  async #linkLog(pod: Pod, name: string, restartCount: number, id: string): Promise<void> {
    const meta = pod.metadata ?? {};
    const target = join(podLogDir(this.d.sandbox.podLogsDir, pod), name, `${restartCount}.log`);
    const link = join(this.d.containerLogsDir, `${meta.name}_${meta.namespace}_${name}-${id}.log`);
    try {
      await mkdir(this.d.containerLogsDir, { recursive: true });
      await symlink(target, link);
    } catch (e) {
      this.d.log.debug({ err: e, link }, 'container log link not made');
    }
  }

  /** A lifecycle hook: exec in the container, httpGet against the pod, or sleep. Returns an error text, or undefined. */
  async #runHook(h: NonNullable<Container['lifecycle']>['preStop'], containerId: string, podIP: string, timeoutSeconds: number): Promise<string | undefined> {
    if (!h) return undefined;
    try {
      if (h.exec?.command?.length) {
        const r = await this.d.cri.execSync(containerId, h.exec.command, timeoutSeconds);
        if (r.exit_code !== 0) return `command '${h.exec.command.join(' ')}' exited with ${r.exit_code}: ${r.stdout.toString()}${r.stderr.toString()}`;
      } else if (h.httpGet) {
        const g = h.httpGet;
        const url = `${(g.scheme ?? 'HTTP').toLowerCase()}://${g.host ?? podIP}:${g.port}${g.path ?? '/'}`;
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
        if (res.status >= 400) return `HTTP lifecycle hook (${g.path ?? '/'}) for Container in Pod failed with status ${res.status}`;
      } else if (h.sleep) {
        await this.d.clock.sleep(h.sleep.seconds * 1000);
      }
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    return undefined;
  }

  /** preStop, then StopContainer with what is left of the grace period. */
  async #stopContainer(pod: Pod | undefined, c: Pick<ContainerInfo, 'id' | 'name' | 'annotations'> & Partial<ContainerInfo>, graceSeconds: number): Promise<void> {
    const t0 = this.d.clock.now();
    const preStopRaw = c.annotations?.[A_PRESTOP];
    if (preStopRaw && c.state === 'running') {
      try {
        const h = JSON.parse(preStopRaw) as NonNullable<Container['lifecycle']>['preStop'];
        const err = await Promise.race([
          this.#runHook(h, c.id, '', graceSeconds),
          this.d.clock.sleep(graceSeconds * 1000).then(() => 'timed out'),
        ]);
        if (err && pod) this.d.events.record(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${err}`);
      } catch { /* a bad annotation: no hook */ }
    }
    const left = Math.max(MIN_GRACE_SECONDS, graceSeconds - Math.floor((this.d.clock.now() - t0) / 1000));
    try {
      await this.d.cri.stopContainer(c.id, left);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Stops every container (in parallel, each with its grace) and the sandboxes. */
  async #stopAll(pod: Pod | undefined, rt: PodRuntime | undefined, graceSeconds: number, why: string): Promise<void> {
    if (!rt) return;
    const live = rt.containers.filter((c) => c.state === 'running' || c.state === 'created');
    if (live.length) this.d.log.debug({ pod: `${rt.namespace}/${rt.name}`, why, containers: live.map((c) => c.name) }, 'stopping containers');
    await Promise.all(live.map(async (c) => {
      if (pod && c.state === 'running') this.d.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      await this.#stopContainer(pod, c, graceSeconds);
    }));
    for (const s of rt.sandboxes) {
      if (!s.ready) continue;
      try { await this.d.cri.stopPodSandbox(s.id); } catch (e) { if (!isNotFound(e)) throw e; }
      this.#podIPs.delete(s.id);
    }
    this.d.probes.removePod(rt.uid);
  }

  /** A pod being deleted: stop it within its grace period, report the end, then let the API forget it. */
  async #terminate(pod: Pod, rt: PodRuntime | undefined): Promise<Result | void> {
    const uid = pod.metadata?.uid ?? '';
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    await this.#stopAll(pod, rt, grace, 'deleted');
    const after = await this.d.reader.pod(uid);
    // A pod the kubelet stops is terminal before it goes (Succeeded only when every container exited 0).
    const exits = pod.spec.containers.map((c) => latestOf(after, c.name, 'regular'));
    const allOk = exits.every((c) => c && c.state === 'exited' && c.exitCode === 0);
    const phase = pod.status?.phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed' ? phase : allOk && (pod.spec.restartPolicy ?? 'Always') !== 'Always' ? 'Succeeded' : 'Failed';
    await this.#report({ ...pod, status: { ...pod.status, phase: terminal } }, after, { keepPhase: true });
    try {
      await this.d.client.delete(R.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      if (!(isStatusError(e) && (e.code === 404 || e.code === 409))) throw e;
    }
    await this.#cleanup(uid, after, pod);
  }

  /** Removes everything the node holds for a pod uid: containers, sandboxes, volumes, logs, cgroups. */
  async #cleanup(uid: string, rt: PodRuntime | undefined, pod: Pod | undefined): Promise<void> {
    if (rt) {
      const grace = Number(rt.containers[0]?.annotations[A_GRACE_PERIOD] ?? 30);
      await this.#stopAll(pod, rt, pod ? 0 : grace, 'removed');
      for (const c of rt.containers) {
        try { await this.d.cri.removeContainer(c.id); } catch (e) { if (!isNotFound(e)) throw e; }
        this.d.reader.forget(c.id);
        this.#messages.delete(c.id);
        await unlink(join(this.d.containerLogsDir, `${rt.name}_${rt.namespace}_${c.name}-${c.id}.log`)).catch(() => undefined);
      }
      for (const s of rt.sandboxes) {
        try { await this.d.cri.removePodSandbox(s.id); } catch (e) { if (!isNotFound(e)) throw e; }
        this.#podIPs.delete(s.id);
      }
      await rm(`${this.d.sandbox.podLogsDir}/${rt.namespace}_${rt.name}_${uid}`, { recursive: true, force: true });
    }
    await this.d.volumes.tearDown(uid);
    await rm(join(this.d.podsDir, uid), { recursive: true, force: true });
    await removeCgroup(podCgroupParent(this.d.sandbox.cgroupRoot, uid));
    this.d.probes.removePod(uid);
    this.#images.forgetPod(uid);
    this.#crash.forgetPrefix(`${uid}/`);
    this.#waiting.delete(uid);
    this.#posted.delete(uid);
    this.#deadline.delete(uid);
    this.#startTime.delete(uid);
    this.#fresh.delete(uid);
  }

  /** Keeps the newest exited instance of each container (for lastState and logs --previous); removes older ones. */
  async #gcExited(rt: PodRuntime | undefined): Promise<void> {
    if (!rt) return;
    const seen = new Map<string, number>();
    for (const c of rt.containers) {
      const k = `${c.kind}/${c.name}`;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      if (n > 2 && c.state === 'exited') {
        try { await this.d.cri.removeContainer(c.id); } catch (e) { if (!isNotFound(e)) throw e; }
        this.d.reader.forget(c.id);
        this.#messages.delete(c.id);
        await unlink(join(this.d.containerLogsDir, `${rt.name}_${rt.namespace}_${c.name}-${c.id}.log`)).catch(() => undefined);
      }
    }
    for (const s of rt.sandboxes.slice(1)) {
      if (s.ready || rt.containers.some((c) => c.sandboxId === s.id)) continue;
      try { await this.d.cri.removePodSandbox(s.id); } catch (e) { if (!isNotFound(e)) throw e; }
    }
  }

  async #terminationMessages(pod: Pod, rt: PodRuntime | undefined): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const c of rt?.containers ?? []) {
      if (c.state !== 'exited') continue;
      let m = this.#messages.get(c.id);
      if (m === undefined) {
        m = '';
        if (c.terminationFile) m = (await readFile(c.terminationFile, 'utf8').catch(() => '')).slice(0, 4096);
        const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === c.name);
        if (!m && c.exitCode !== 0 && spec?.terminationMessagePolicy === 'FallbackToLogsOnError' && c.logPath) {
          const text = await readFile(c.logPath, 'utf8').catch(() => '');
          m = text.split('\n').filter(Boolean).slice(-80).map((l) => l.split(' ').slice(3).join(' ')).join('\n').slice(-2048);
        }
        this.#messages.set(c.id, m);
      }
      if (m) out.set(c.id, m);
    }
    return out;
  }

  /** Posts the pod's status when it differs from what this kubelet posted last. */
  async #report(pod: Pod, rt: PodRuntime | undefined, o: { failed?: { reason: string; message: string }; keepPhase?: boolean } = {}): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const sandbox = rt?.sandboxes[0];
    const ips = sandbox?.ready ? await this.#sandboxIPs(sandbox.id) : [];
    const failed = o.failed ?? (this.#deadline.has(uid) ? { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' } : undefined);
    // Fields the kubelet owns come from its memory: a stale informer copy must not flip them.
    const known = pod.status?.startTime ?? this.#startTime.get(uid);
    if (known && !pod.status?.startTime) pod = { ...pod, status: { ...pod.status, startTime: known } };
    const status: PodStatus = podStatus({
      pod, rt, now: this.d.clock.now(), hostIP: this.d.hostIP(), podIPs: ips,
      waiting: this.#waiting.get(uid) ?? new Map(),
      ready: (id) => this.d.probes.ready(uid, id),
      started: (id) => this.d.probes.started(uid, id),
      sandboxReady: !!sandbox?.ready,
      messages: await this.#terminationMessages(pod, rt),
      ...(failed ? { failed } : {}),
    });
    if (o.keepPhase && pod.status?.phase) status.phase = pod.status.phase;
    if (status.startTime) this.#startTime.set(uid, status.startTime);
    const { conditions, ...rest } = status;
    const key = JSON.stringify({ ...rest, conditions: conditions?.map(({ lastTransitionTime: _t, ...c }) => c) });
    if (this.#posted.get(uid) === key) return;
    try {
      await this.d.client.patch(R.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { metadata: { uid }, status }, 'merge', { subresource: 'status' });
      this.#posted.set(uid, key);
    } catch (e) {
      if (isStatusError(e) && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }

  /** Forget the uid's in-memory state (pod gone and cleaned). */
  forget(uid: string): void {
    this.#waiting.delete(uid);
    this.#posted.delete(uid);
  }
}

interface StartContext {
  pod: Pod;
  sandboxId: string;
  podIPs: string[];
  volumes: Map<string, { hostPath: string; readOnly: boolean }>;
  rt: PodRuntime | undefined;
}

const podName = (p: Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
