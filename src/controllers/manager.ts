// The controller manager: runs a set of controllers (or the scheduler, which has the same shape)
// with shared informers, under leader election on a Lease so that of several servers exactly one
// runs them, and another takes over when it dies.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { createEventRecorder, createInformerFactory, runLeaderElection, type ApiClient } from '../client/index.js';
import { realClock, type Clock } from '../machinery/clock.js';
import type { ControllerConfig, ControllerContext, ControllerFactory } from './runtime/index.js';

export interface ManagerOptions {
  /** Lease name and event source: kube-controller-manager, kube-scheduler. */
  name: string;
  client: ApiClient;
  log: Logger;
  factories: readonly ControllerFactory[];
  config?: ControllerConfig;
  clock?: Clock;
  /** Without leader election the set runs at once (one server only). */
  leaderElect: boolean;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface RunningManager { stop(): Promise<void> }

async function runSet(o: ManagerOptions, signal: AbortSignal): Promise<void> {
  const clock = o.clock ?? realClock;
  const log = o.log.child({ manager: o.name });
  setMaxListeners(0, signal); // every informer, queue and timer of every controller listens to it
  const informers = createInformerFactory(o.client, { clock, log });
  const events = createEventRecorder(o.client, { component: o.name, host: o.identity.split('_')[0] ?? '' }, { clock, log });
  const ctx: ControllerContext = { client: o.client, informers, clock, log, events, config: o.config ?? {} };
  const controllers = o.factories.map((f) => f(ctx));
  const running = controllers.map(async (c) => {
    try { await c.run(signal); } catch (e) { if (!signal.aborted) log.error({ err: e, controller: c.name }, 'controller stopped with an error'); }
  });
  informers.start(signal);
  log.info({ controllers: controllers.map((c) => c.name) }, 'started');
  await Promise.all(running);
  await events.flush().catch(() => undefined);
}

export function startManager(o: ManagerOptions): RunningManager {
  const abort = new AbortController();
  const done = o.leaderElect
    ? runLeaderElection(o.client, {
      name: o.name, identity: o.identity, log: o.log, releaseOnCancel: true,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.leaseDurationMs ? { leaseDurationMs: o.leaseDurationMs } : {}),
      ...(o.renewDeadlineMs ? { renewDeadlineMs: o.renewDeadlineMs } : {}),
      ...(o.retryPeriodMs ? { retryPeriodMs: o.retryPeriodMs } : {}),
    }, { onStartedLeading: (signal) => runSet(o, signal) }, abort.signal)
    : runSet(o, abort.signal);
  return {
    stop: async () => {
      abort.abort();
      await done.catch((e) => o.log.warn({ err: e }, `${o.name} stopped with an error`));
    },
  };
}
