// The controller contract (controller-runtime's shape): a controller is reconcile(key) → Result;
// the runner alone decides requeueing. Errors are retried with backoff; TerminalError is not.
import type { Logger } from 'pino';
import type { ApiClient, EventRecorder, InformerFactory } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';

export interface Result {
  /** Reconcile this key again after this long (level-triggered timers: deadlines, backoffs). */
  requeueAfterMs?: number;
}

/** An error that retrying will not fix: logged, not requeued. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** What every controller gets. */
export interface ControllerContext {
  client: ApiClient;
  informers: InformerFactory;
  clock: Clock;
  log: Logger;
  events: EventRecorder;
}

/** A controller the server can run, stop and elect. */
export interface Controller {
  readonly name: string;
  /** Runs until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
