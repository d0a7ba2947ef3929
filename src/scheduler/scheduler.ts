// kube-scheduler's main loop (pkg/scheduler/schedule_one.go): pop a pod, run one synchronous
// scheduling cycle against the cache, assume the pod on the chosen node, and bind it through
// pods/binding in the background while the next pod is scheduled. Several bindings are in flight
// at once; a failed one is forgotten in the cache and the pod retried after backoff.
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { createEventRecorder, R, type EventRecorder, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from '../controllers/runtime/types.js';
import { isStatusError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';
import { DEFAULT_SCHEDULER_NAME, type Node, type Pod } from './api-types.js';
import { SchedulerCache, isTerminal } from './cache.js';
import { namespaceHandlers, nodeHandlers, podHandlers } from './event-handlers.js';
import { fitErrorMessage } from './fit-error.js';
import { ERR_NO_NODES, Framework } from './framework.js';
import { buildPodInfo } from './pod-info.js';
import { defaultPlugins, defaultScoreWeights } from './plugins/index.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';
import { reportFailure, type FailureReporterDeps } from './report.js';
import { DEFAULT_EVENT_LIMIT, rateLimitedRecorder, type EventLimit } from './event-limiter.js';
import type { PodInfo } from './types.js';

export interface SchedulerOptions {
  /** Pods whose spec.schedulerName is this (or unset, for the default) are ours. Default 'default-scheduler'. */
  schedulerName?: string;
  /** Backoff of a pod after a failed attempt: initial (kube 1s), doubling up to max (kube 10s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Share of nodes to find feasible before scoring; 0 (default) adapts to cluster size, as kube. */
  percentageOfNodesToScore?: number;
  /** Bindings sent concurrently (default 64, the client's connection pool). */
  maxBindingsInFlight?: number;
  /** Where events go; by default a recorder reporting as the scheduler ('default-scheduler'). */
  events?: EventRecorder;
  /** Events written at most this often (kube-scheduler's client: 50/s, burst 100); beyond, dropped. */
  eventLimit?: EventLimit;
}

/** The scheduler's live state, for tests and benchmarks. */
export interface SchedulerHandle extends Controller {
  stats(): { scheduled: number; failedAttempts: number; bindErrors: number; eventsDropped: number; bindingsInFlight: number; queue: ReturnType<SchedulingQueue['stats']>; cachedPods: number; nodes: number };
}

export function createScheduler(ctx: ControllerContext, opts: SchedulerOptions = {}): SchedulerHandle {
  const s = new Scheduler(ctx, opts);
  return { name: 'scheduler', run: (signal) => s.run(signal), stats: () => s.stats() };
}

/** Yield to I/O at least this often while pods keep coming, so watches and bindings progress. */
const YIELD_EVERY_MS = 4;

class Scheduler {
  readonly #ctx: ControllerContext;
  readonly #name: string;
  readonly #cache = new SchedulerCache();
  readonly #queue: SchedulingQueue;
  readonly #framework: Framework;
  readonly #report: FailureReporterDeps;
  readonly #events: ReturnType<typeof rateLimitedRecorder>;
  readonly #pods: Informer<Pod>;
  readonly #maxInFlight: number;
  #inFlight = 0;
  #slotWaiter: (() => void) | undefined;
  #scheduled = 0;
  #failedAttempts = 0;
  #bindErrors = 0;

  constructor(ctx: ControllerContext, opts: SchedulerOptions) {
    this.#ctx = ctx;
    this.#name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.#queue = new SchedulingQueue({ clock: ctx.clock, backoffInitialMs: opts.backoffInitialMs ?? 1000, backoffMaxMs: opts.backoffMaxMs ?? 10_000 });
    this.#framework = new Framework({ plugins: defaultPlugins, scoreWeights: defaultScoreWeights, percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0 });
    this.#maxInFlight = opts.maxBindingsInFlight ?? 64;
    const recorder = opts.events ?? createEventRecorder(ctx.client, { component: this.#name }, { clock: ctx.clock, log: ctx.log });
    this.#events = rateLimitedRecorder(recorder, ctx.clock, opts.eventLimit ?? DEFAULT_EVENT_LIMIT);
    this.#report = { client: ctx.client, events: this.#events, clock: ctx.clock, log: ctx.log };
    // Informers are asked for now, so they start with the factory.
    const deps = { cache: this.#cache, queue: this.#queue, responsible: (p: Readonly<Pod>) => this.#responsible(p) };
    this.#pods = ctx.informers.informerFor<Pod>(R.pods);
    this.#pods.on(podHandlers(deps));
    ctx.informers.informerFor<Node>(R.nodes).on(nodeHandlers(deps));
    ctx.informers.informerFor<KubeObject>(R.namespaces).on(namespaceHandlers(deps));
  }

  stats(): ReturnType<SchedulerHandle['stats']> {
    return {
      scheduled: this.#scheduled, failedAttempts: this.#failedAttempts, bindErrors: this.#bindErrors, eventsDropped: this.#events.dropped, bindingsInFlight: this.#inFlight,
      queue: this.#queue.stats(), cachedPods: this.#cache.podCount, nodes: this.#cache.nodeCount,
    };
  }

  #responsible(p: Readonly<Pod>): boolean {
    return !p.spec?.nodeName && (p.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.#name && !p.metadata?.deletionTimestamp && !isTerminal(p);
  }

  async run(signal: AbortSignal): Promise<void> {
    const onAbort = () => { this.#queue.close(); this.#slotWaiter?.(); };
    if (signal.aborted) return;
    signal.addEventListener('abort', onAbort, { once: true });
    this.#queue.reopen(); // run again after a stop (a new leadership term)
    await this.#ctx.informers.synced();
    this.#ctx.log.info({ scheduler: this.#name, nodes: this.#cache.nodeCount }, 'scheduler started');
    const flusher = this.#queue.runFlusher(signal);
    let lastYield = performance.now();
    while (!signal.aborted) {
      const q = await this.#queue.pop();
      if (!q) break;
      this.#scheduleOne(q);
      while (this.#inFlight >= this.#maxInFlight && !signal.aborted) await new Promise<void>((r) => { this.#slotWaiter = r; });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await nextMacrotask();
        lastYield = performance.now();
      }
    }
    await flusher;
  }

  /** One scheduling cycle; synchronous up to handing the binding off. */
  #scheduleOne(q: QueuedPod): void {
    const pod = this.#pods.lister.get(q.key) ?? q.pod;
    const uid = pod.metadata?.uid ?? q.key;
    if (!this.#queue.isInFlight(q.key) || !this.#responsible(pod) || this.#cache.nodeOf(uid) !== undefined) {
      this.#queue.done(q.key); // deleted, bound or assumed meanwhile
      return;
    }
    const info = buildPodInfo(pod);
    const outcome = this.#framework.schedule(info, this.#cache);
    switch (outcome.kind) {
      case 'scheduled':
        this.#cache.assumePod(info, outcome.node);
        void this.#bind(q, info, outcome.node);
        return;
      case 'unschedulable': {
        this.#failedAttempts++;
        const message = fitErrorMessage(info, outcome.diagnosis);
        if (this.#ctx.log.isLevelEnabled('debug')) this.#ctx.log.debug({ pod: q.key, message }, 'pod is unschedulable');
        reportFailure(this.#report, pod, 'Unschedulable', message);
        this.#queue.requeueUnschedulable(q, outcome.diagnosis.unschedulablePlugins);
        return;
      }
      default: {
        this.#failedAttempts++;
        // No nodes at all is "unschedulable" to the user (kube: UnschedulableAndUnresolvable).
        const reason = outcome.message === ERR_NO_NODES ? 'Unschedulable' : 'SchedulerError';
        this.#ctx.log.debug({ pod: q.key, plugin: outcome.plugin, message: outcome.message }, 'scheduling attempt failed');
        reportFailure(this.#report, pod, reason, outcome.message);
        this.#queue.requeueBackoff(q);
      }
    }
  }

  async #bind(q: QueuedPod, info: PodInfo, node: string): Promise<void> {
    this.#inFlight++;
    try {
      await this.#ctx.client.create(R.pods, info.namespace, {
        apiVersion: 'v1', kind: 'Binding',
        metadata: { name: info.name, namespace: info.namespace, uid: info.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      }, { subresource: 'binding' });
      this.#scheduled++;
      this.#queue.done(q.key);
      this.#report.events.record(info.pod, 'Normal', 'Scheduled', `Successfully assigned ${info.key} to ${node}`);
    } catch (e) {
      this.#cache.forgetPod(info.uid);
      if (isStatusError(e) && (e.code === 404 || e.code === 409)) {
        // Deleted, already bound by someone else, or terminating: nothing to retry.
        this.#ctx.log.debug({ pod: q.key, err: e }, 'binding not needed any more');
        this.#queue.done(q.key);
      } else {
        this.#bindErrors++;
        this.#ctx.log.info({ pod: q.key, node, err: e }, 'binding failed; will retry');
        reportFailure(this.#report, info.pod, 'SchedulerError', `Binding rejected: ${(e as Error).message}`);
        this.#queue.requeueBackoff(q);
      }
      this.#queue.moveAll(); // the assumed pod's room is free again
    } finally {
      this.#inFlight--;
      const w = this.#slotWaiter;
      this.#slotWaiter = undefined;
      w?.();
    }
  }
}
