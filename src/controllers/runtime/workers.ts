// Runs a controller's reconcile over its work queue: N workers, requeue on Result, backoff on error.
import type { Logger } from 'pino';
import { isStatusError } from '../../machinery/errors.js';
import type { WorkQueue } from '../../client/types.js';
import { TerminalError, type Result } from './types.js';

export interface WorkersOptions {
  name: string;
  queue: WorkQueue;
  workers?: number;
  reconcile(key: string): Promise<Result | void>;
  log: Logger;
  signal: AbortSignal;
}

/** Resolves when the signal aborts and every worker has finished its current key. */
export async function runWorkers(o: WorkersOptions): Promise<void> {
  const onAbort = () => o.queue.shutDown();
  if (o.signal.aborted) onAbort();
  else o.signal.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    for (;;) {
      const key = await o.queue.get();
      if (key === undefined) return;
      try {
        const r = await o.reconcile(key);
        o.queue.forget(key);
        if (r?.requeueAfterMs !== undefined && !o.signal.aborted) o.queue.addAfter(key, r.requeueAfterMs);
      } catch (e) {
        if (o.signal.aborted) continue;
        if (e instanceof TerminalError) {
          o.queue.forget(key);
          o.log.warn({ controller: o.name, key, err: e }, 'reconcile failed for good');
        } else {
          const quiet = isStatusError(e) && (e.code === 409 || e.code === 404);
          o.log[quiet ? 'debug' : 'info']({ controller: o.name, key, err: e }, 'reconcile failed; will retry');
          o.queue.addRateLimited(key);
        }
      } finally {
        o.queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 1) }, worker));
}
