// The ServiceAccount controller (pkg/controller/serviceaccount/serviceaccounts_controller.go): every
// active namespace has a "default" ServiceAccount; one that is deleted is created again. A
// terminating namespace gets none (the API server would refuse it anyway).
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';

/** The accounts ensured in every namespace (kube: --service-account-names defaults to just this). */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

interface Namespace extends KubeObject { status?: { phase?: string } }

export function serviceAccountController(ctx: ControllerContext): Controller {
  const name = 'serviceaccount';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const namespaces = ctx.informers.informerFor<Namespace>(R.namespaces);
      const accounts = ctx.informers.informerFor<KubeObject>(R.serviceaccounts);
      const enqueueNs = (ns: Readonly<Namespace>) => queue.add(ns.metadata?.name ?? '');
      namespaces.on({ add: enqueueNs, update: (_o, ns) => enqueueNs(ns) });
      accounts.on({
        delete: (sa) => { if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) queue.add(sa.metadata?.namespace ?? ''); },
      });

      const reconcile = async (nsName: string): Promise<Result | void> => {
        const ns = namespaces.lister.get(nsName);
        if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase !== 'Active') return;
        if (accounts.lister.get(`${nsName}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
        try {
          await ctx.client.create(R.serviceaccounts, nsName, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT } });
          log.debug({ namespace: nsName }, 'created the default service account');
        } catch (e) {
          // Already there (our cache lags), the namespace went, or it is terminating: nothing to do.
          if (isStatusError(e) && (e.code === 409 || e.code === 404 || e.code === 403)) return;
          throw e;
        }
      };

      if (!await waitForSync(signal, namespaces, accounts)) return;
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 2, reconcile, log, signal });
    },
  };
}
