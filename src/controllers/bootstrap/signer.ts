// bootstrapsigner (pkg/controller/bootstrap/bootstrapsigner.go, plus kubeadm's `bootstrap-token`
// phase that creates the ConfigMap): keeps kube-public/cluster-info holding a kubeconfig with the
// cluster CA, and one `jws-kubeconfig-<token-id>` signature of it per usable bootstrap token
// (usage-bootstrap-signing, not expired). A joining node reads it without credentials, checks the
// CA against the hash in its join token and the signature against its token's secret.
import { readFile } from 'node:fs/promises';
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { renderKubeconfig } from '../../machinery/kubeconfig.js';
import {
  CLUSTER_INFO_KUBECONFIG_KEY, CLUSTER_INFO_NAME,
  CLUSTER_INFO_NAMESPACE, JWS_KEY_PREFIX, readBootstrapTokenSecret, signClusterInfo, tokenExpired,
} from '../../machinery/bootstrap-token.js';
import { tokenSecretsInformer } from './token-secrets.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';

/** Where cluster-info points when the server did not say (ControllerConfig.clusterInfoServer). */
const DEFAULT_SERVER = 'https://127.0.0.1:6443';

interface ConfigMap extends KubeObject { data?: Record<string, string> }

/** The data cluster-info should hold, and when it next changes (a token expiring), from the token Secrets. */
export function clusterInfoData(kubeconfig: string, secrets: readonly Readonly<KubeObject>[], now: number): { data: Record<string, string>; nextChangeAt?: number } {
  const data: Record<string, string> = { [CLUSTER_INFO_KUBECONFIG_KEY]: kubeconfig };
  let nextChangeAt: number | undefined;
  for (const s of secrets) {
    const t = readBootstrapTokenSecret(s);
    if (!t || s.metadata?.deletionTimestamp || !t.usages.has('signing') || tokenExpired(t, now)) continue;
    data[`${JWS_KEY_PREFIX}${t.token.id}`] = signClusterInfo(kubeconfig, t.token);
    if (t.expiresAt !== undefined) nextChangeAt = Math.min(nextChangeAt ?? Infinity, t.expiresAt);
  }
  return nextChangeAt === undefined ? { data } : { data, nextChangeAt };
}

export function bootstrapSignerController(ctx: ControllerContext): Controller {
  const name = 'bootstrapsigner';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const secrets = tokenSecretsInformer(ctx);
      const configMaps = ctx.informers.informerFor<ConfigMap>(R.configmaps, {
        namespace: CLUSTER_INFO_NAMESPACE, fieldSelector: `metadata.name=${CLUSTER_INFO_NAME}`,
      });
      const enqueue = () => queue.add(CLUSTER_INFO_NAME);
      secrets.on({ add: enqueue, update: enqueue, delete: enqueue });
      configMaps.on({ add: enqueue, update: enqueue, delete: enqueue });

      const reconcile = async (): Promise<Result | void> => {
        const current = configMaps.lister.get(`${CLUSTER_INFO_NAMESPACE}/${CLUSTER_INFO_NAME}`);
        const caFile = ctx.config.clusterSigningCertFile;
        let kubeconfig = current?.data?.[CLUSTER_INFO_KUBECONFIG_KEY];
        if (caFile) {
          kubeconfig = renderKubeconfig({ server: ctx.config.clusterInfoServer ?? DEFAULT_SERVER, caPem: await readFile(caFile, 'utf8') });
        }
        if (kubeconfig === undefined) return; // nothing to publish: no CA configured and no cluster-info made by hand
        const now = ctx.clock.now();
        const { data, nextChangeAt } = clusterInfoData(kubeconfig, secrets.lister.list(), now);
        const requeue: Result = nextChangeAt === undefined ? {} : { requeueAfterMs: Math.max(0, nextChangeAt - now) + 1 };
        if (current && deepEqual(current.data ?? {}, data)) return requeue;
        try {
          if (current) {
            await ctx.client.update(R.configmaps, CLUSTER_INFO_NAMESPACE, { ...structuredClone(current), data } as KubeObject);
          } else {
            await ctx.client.create(R.configmaps, CLUSTER_INFO_NAMESPACE, {
              apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLUSTER_INFO_NAME, namespace: CLUSTER_INFO_NAMESPACE }, data,
            });
          }
          log.debug({ signatures: Object.keys(data).length - 1 }, 'cluster-info updated');
        } catch (e) {
          if (isStatusError(e) && e.code === 409) return { requeueAfterMs: 0 }; // our cache lags: look again
          throw e;
        }
        return requeue;
      };

      if (!await waitForSync(signal, secrets, configMaps)) return;
      enqueue(); // publish cluster-info even before the first token exists
      await runWorkers({ name, queue, workers: 1, reconcile, log, signal });
    },
  };
}
