// The namespace controller (pkg/controller/namespace): a namespace being deleted (deletionTimestamp,
// phase Terminating, "kubernetes" in spec.finalizers) has all its content deleted; while content
// remains the namespace is looked at again after an estimate (half the longest wait, plus a
// second, as kube does); its conditions say what is left and why. When it is empty, "kubernetes" is
// removed through namespaces/NAME/finalize and the API server deletes the namespace.
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type ControllerFactory, type Result } from '../runtime/index.js';
import { updatedConditions, type NamespaceCondition } from './conditions.js';
import { deleteAllContent } from './deleter.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

export interface NamespaceControllerOptions {
  /** Upper bound of the wait before looking again while content remains (default: none, kube's estimate/2 + 1s). */
  maxRemainingDelayMs?: number;
}

export function namespaceControllerWith(o: NamespaceControllerOptions = {}): ControllerFactory {
  return (ctx: ControllerContext): Controller => {
    const name = 'namespace';
    return {
      name,
      async run(signal) {
        const log = ctx.log.child({ controller: name });
        const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
        const namespaces = ctx.informers.informerFor<Namespace>(R.namespaces);
        const enqueue = (ns: Readonly<Namespace>) => { if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name ?? ''); };
        namespaces.on({ add: enqueue, update: (_old, ns) => enqueue(ns) });

        const reconcile = async (nsName: string): Promise<Result | void> => {
          // Several controllers edit a terminating namespace: start from its live state.
          let ns: Namespace;
          try {
            ns = await ctx.client.get<Namespace>(R.namespaces, '', nsName);
          } catch (e) {
            if (isStatusError(e) && e.code === 404) return;
            throw e;
          }
          const deletedAt = ns.metadata?.deletionTimestamp;
          if (!deletedAt) return;
          if (ns.status?.phase !== 'Terminating') {
            ns = await ctx.client.update<Namespace>(R.namespaces, '', { ...ns, status: { ...ns.status, phase: 'Terminating' } }, { subresource: 'status' });
          }
          const finalizers = ns.spec?.finalizers ?? [];
          if (!finalizers.includes(FINALIZER_KUBERNETES)) return;

          const { estimateSeconds, outcome } = await deleteAllContent(ctx.client, nsName, Date.parse(deletedAt), ctx.clock);
          const conditions = updatedConditions(ns.status?.conditions ?? [], outcome, ctx.clock.now());
          if (conditions) {
            try {
              ns = await ctx.client.update<Namespace>(R.namespaces, '', { ...ns, status: { ...ns.status, conditions } }, { subresource: 'status' });
            } catch (e) {
              if (isStatusError(e) && e.code === 404) return;
              log.debug({ err: e, namespace: nsName }, 'could not update namespace conditions');
            }
          }
          if (outcome.discoveryFailures.length || outcome.contentErrors.length) {
            const why = [...outcome.discoveryFailures.map((f) => `discovery of ${f.group || 'core'}: ${f.message}`), ...outcome.contentErrors];
            throw new Error(`namespace ${nsName}: content not fully deleted: ${why.join('; ')}`);
          }
          if (estimateSeconds > 0) {
            const delay = (Math.floor(estimateSeconds / 2) + 1) * 1000;
            log.debug({ namespace: nsName, estimateSeconds }, 'content remains in the namespace');
            return { requeueAfterMs: Math.min(delay, o.maxRemainingDelayMs ?? delay) };
          }
          const rest = [...new Set(finalizers.filter((f) => f !== FINALIZER_KUBERNETES))].sort();
          try {
            await ctx.client.update(R.namespaces, '', { ...ns, spec: { ...ns.spec, finalizers: rest } }, { subresource: 'finalize' });
          } catch (e) {
            if (isStatusError(e) && e.code === 404) return;
            throw e;
          }
          log.debug({ namespace: nsName }, 'namespace content removed; finalized');
        };

        if (!await waitForSync(signal, namespaces)) return;
        await runWorkers({ name, queue, workers: ctx.config.workers ?? 5, reconcile, log, signal });
      },
    };
  };
}

/** The namespace controller with kube's timings. */
export const namespaceController: ControllerFactory = namespaceControllerWith();
