// A probe worker: one per (container instance, probe kind). It probes every period, counts
// consecutive results against the thresholds and reports a result when one is reached
// (pkg/kubelet/prober/worker.go). Workers live only as long as their container instance: a
// restarted container (new containerId) gets new workers, with fresh counts.
import type { Logger } from 'pino';
import type { Clock } from '../../machinery/clock.js';
import type { Probe } from '../api-types.js';
import { runProbe } from './run-probe.js';
import type { ProbeKind, ProbeOutcome, ProbeTarget } from './types.js';

// An attempt that could not run (unknown) is retried at once, this many attempts in all (prober.go maxProbeRetries).
const MAX_ATTEMPTS = 3;

/** A probe's timing and thresholds, with the API's defaults for what is unset. */
export interface ProbeTiming {
  initialDelaySeconds: number;
  periodMs: number;
  timeoutMs: number;
  /** Consecutive successes that make a failed probe succeed: 1 for liveness and startup. */
  successThreshold: number;
  /** Consecutive failures that make a probe fail. */
  failureThreshold: number;
}

const positive = (v: number | undefined, dflt: number) => (typeof v === 'number' && v > 0 ? v : dflt);

export function probeTiming(p: Probe, kind: ProbeKind): ProbeTiming {
  return {
    initialDelaySeconds: Math.max(0, p.initialDelaySeconds ?? 0),
    periodMs: positive(p.periodSeconds, 10) * 1000,
    timeoutMs: positive(p.timeoutSeconds, 1) * 1000,
    // Validation holds liveness and startup to 1; the kubelet relies on it, we enforce it.
    successThreshold: kind === 'readiness' ? positive(p.successThreshold, 1) : 1,
    failureThreshold: positive(p.failureThreshold, 3),
  };
}

/** The container instance a worker probes, as the manager keeps it. */
export interface ProbedInstance {
  readonly podUid: string;
  readonly name: string;
  readonly containerId: string;
  /** When the container started (epoch ms, the clock's time base): initialDelaySeconds counts from here. */
  readonly startedAt: number;
  /** Latest address and exec hook; the manager replaces it on each sync. */
  target: ProbeTarget;
  /** The pod is being deleted: liveness and startup stop (graceful shutdown). */
  deleting: boolean;
}

/** What a worker needs of its manager. */
export interface WorkerContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** In [0, 1): the share of a period a worker waits before its first probe. */
  random(): number;
  /** When the manager was made (clock time). */
  readonly managerStart: number;
  /** The startup probe passed (or there is none): liveness and readiness may run, startup is done. */
  isStarted(inst: ProbedInstance): boolean;
  /** A threshold was reached: this is now the probe's result. */
  setResult(inst: ProbedInstance, kind: ProbeKind, result: 'success' | 'failure', output: string): void;
  /** One attempt's event: Unhealthy (failed or errored) or ProbeWarning. */
  event(inst: ProbedInstance, kind: ProbeKind, reason: 'Unhealthy' | 'ProbeWarning', message: string): void;
}

const TITLE: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export class ProbeWorker {
  readonly kind: ProbeKind;
  readonly #probe: Probe;
  readonly #timing: ProbeTiming;
  readonly #inst: ProbedInstance;
  readonly #ctx: WorkerContext;
  #stopped = false;
  #triggered = false;
  /** Aborts the current wait (stop, or a manual trigger). */
  #wake: AbortController | undefined;
  /** The last attempt's result and how many times in a row it came. */
  #last: 'success' | 'failure' | undefined;
  #run = 0;

  constructor(o: { kind: ProbeKind; probe: Probe; inst: ProbedInstance; ctx: WorkerContext }) {
    this.kind = o.kind;
    this.#probe = o.probe;
    this.#timing = probeTiming(o.probe, o.kind);
    this.#inst = o.inst;
    this.#ctx = o.ctx;
  }

  get stopped(): boolean { return this.#stopped; }

  start(): void {
    this.#loop().catch((err: unknown) => this.#ctx.log.error({ err, container: this.#inst.name, probe: this.kind }, 'probe worker failed'));
  }

  /** Ends the worker: no further probe starts, and a result still in flight is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#wake?.abort();
  }

  /** Probes now rather than at the next period (the kubelet does so for readiness once startup passes). */
  trigger(): void {
    if (this.#stopped) return;
    this.#triggered = true;
    this.#wake?.abort();
  }

  async #loop(): Promise<void> {
    const { clock } = this.#ctx;
    const period = this.#timing.periodMs;
    // A kubelet that just started would probe every container at once: spread the first probes.
    if (clock.now() - this.#ctx.managerStart < period) {
      const jitter = Math.floor(this.#ctx.random() * period);
      if (jitter > 0) await this.#sleep(jitter);
    }
    this.#triggered = false;
    let nextTick = clock.now() + period;
    while (!this.#stopped && (await this.#probeOnce()) && !this.#stopped) {
      if (!this.#triggered) {
        const wait = nextTick - clock.now();
        if (wait > 0) await this.#sleep(wait);
      }
      this.#triggered = false;
      // Like a ticker: ticks stay on their grid, and ticks missed while probing are dropped.
      const now = clock.now();
      if (nextTick <= now) nextTick += (Math.floor((now - nextTick) / period) + 1) * period;
    }
    this.#stopped = true;
  }

  async #sleep(ms: number): Promise<void> {
    const wake = new AbortController();
    this.#wake = wake;
    try {
      await this.#ctx.clock.sleep(ms, wake.signal);
    } catch {
      // woken early: stop() or trigger()
    } finally {
      if (this.#wake === wake) this.#wake = undefined;
    }
  }

  /** One round (worker.go doProbe). Returns whether the worker goes on. */
  async #probeOnce(): Promise<boolean> {
    const inst = this.#inst;
    const ctx = this.#ctx;
    if (inst.deleting && this.kind !== 'readiness') {
      // Graceful shutdown: a last success keeps the container from being restarted meanwhile.
      ctx.setResult(inst, this.kind, 'success', '');
      return false;
    }
    if (Math.floor((ctx.clock.now() - inst.startedAt) / 1000) < this.#timing.initialDelaySeconds) return true;
    if (ctx.isStarted(inst)) {
      if (this.kind === 'startup') return false; // its work for this container instance is done
    } else if (this.kind !== 'startup') {
      return true; // liveness and readiness wait for the startup probe
    }

    const outcome = await this.#attempt();
    if (this.#stopped) return false;
    const title = TITLE[this.kind];
    switch (outcome.result) {
      case 'unknown':
        // The kubelet throws such a result away: it counts neither way.
        ctx.event(inst, this.kind, 'Unhealthy', `${title} probe errored and resulted in unknown state: ${outcome.output}`);
        return true;
      case 'failure':
        ctx.event(inst, this.kind, 'Unhealthy', `${title} probe failed: ${outcome.output}`);
        break;
      case 'warning':
        ctx.event(inst, this.kind, 'ProbeWarning', `${title} probe warning: ${outcome.output}`);
        break;
      case 'success':
        break;
    }
    const result = outcome.result === 'failure' ? 'failure' : 'success';
    if (result === this.#last) this.#run++;
    else { this.#last = result; this.#run = 1; }
    const threshold = result === 'failure' ? this.#timing.failureThreshold : this.#timing.successThreshold;
    if (this.#run < threshold) return true;
    ctx.setResult(inst, this.kind, result, outcome.output);
    // A passed startup probe is done for this container instance.
    if (this.kind === 'startup') return false;
    // A container failing liveness is going to be restarted: probing it further only races the
    // kill (kubernetes#21751). Its successor gets new workers.
    return !(result === 'failure' && this.kind === 'liveness');
  }

  async #attempt(): Promise<ProbeOutcome> {
    let outcome: ProbeOutcome = { result: 'unknown', output: '' };
    for (let i = 0; i < MAX_ATTEMPTS && !this.#stopped; i++) {
      outcome = await runProbe(this.#probe, this.#inst.target, this.#timing.timeoutMs);
      if (outcome.result !== 'unknown') break;
    }
    return outcome;
  }
}
