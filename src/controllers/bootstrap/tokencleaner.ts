// tokencleaner (pkg/controller/bootstrap/tokencleaner.go): deletes bootstrap-token Secrets once
// their expiration has passed, so an expired join token leaves nothing behind.
import { R, createWorkQueue, objectKey, splitKey } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  readBootstrapTokenSecret, tokenExpired,
} from '../../machinery/bootstrap-token.js';
import { tokenSecretsInformer } from './token-secrets.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';

export function tokenCleanerController(ctx: ControllerContext): Controller {
  const name = 'tokencleaner';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const secrets = tokenSecretsInformer(ctx);
      const enqueue = (s: Readonly<KubeObject>) => queue.add(objectKey(s));
      secrets.on({ add: enqueue, update: (_o, s) => enqueue(s) });

      const reconcile = async (key: string): Promise<Result | void> => {
        const secret = secrets.lister.get(key);
        if (!secret || secret.metadata?.deletionTimestamp) return;
        const token = readBootstrapTokenSecret(secret);
        if (!token || token.expiresAt === undefined) return;
        const now = ctx.clock.now();
        if (!tokenExpired(token, now)) return { requeueAfterMs: token.expiresAt - now + 1 };
        const { namespace, name: secretName } = splitKey(key);
        try {
          await ctx.client.delete(R.secrets, namespace, secretName, { preconditions: { uid: secret.metadata?.uid ?? '' } });
          log.info({ secret: key }, 'deleted expired bootstrap token');
        } catch (e) {
          if (isStatusError(e) && (e.code === 404 || e.code === 409)) return;
          throw e;
        }
      };

      if (!await waitForSync(signal, secrets)) return;
      await runWorkers({ name, queue, workers: 1, reconcile, log, signal });
    },
  };
}
