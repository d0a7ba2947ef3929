// Discovery, as kubeadm join does it with a bootstrap token: read kube-public/cluster-info without
// credentials and without trusting the server's certificate yet (there is no CA to check it with),
// then trust the CA it names only if (1) its SHA-256 matches the hash the join token carries and
// (2) the ConfigMap holds a JWS of its kubeconfig signed with the token's secret, which only a
// server that knows the token can make. A bare `<id>.<secret>` token (no hash) relies on (2) alone,
// like kubeadm's --discovery-token-unsafe-skip-ca-verification.
import { request as httpsRequest } from 'node:https';
import { parse } from 'yaml';
import type { Logger } from 'pino';
import type { Clock } from '../../machinery/clock.js';
import {
  caCertHash, CLUSTER_INFO_KUBECONFIG_KEY, CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, JWS_KEY_PREFIX,
  verifyClusterInfoSignature, type JoinToken,
} from '../../machinery/bootstrap-token.js';
import { isPlainObject } from '../../machinery/object.js';
import { pemBlocks } from '../../machinery/x509.js';

/** The cluster-info could not be trusted: retrying will not help (wrong cluster, forged answer). */
export class UntrustedClusterError extends Error {
  override name = 'UntrustedClusterError';
}

export interface DiscoveryOptions {
  server: string;
  token: JoinToken;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** Give up after this long without a signed cluster-info (the server may still be starting). */
  timeoutMs: number;
}

/** Finds and checks the cluster CA; resolves with its PEM. */
export async function discoverClusterCa(o: DiscoveryOptions): Promise<string> {
  const deadline = o.clock.now() + o.timeoutMs;
  let delay = 250;
  let last = 'no answer yet';
  for (;;) {
    try {
      const data = await fetchClusterInfo(o.server, o.signal);
      const ca = trustedCa(data, o.token);
      if (ca !== undefined) return ca;
      last = `cluster-info has no signature for token "${o.token.token.id}" yet (is the token valid, and the bootstrapsigner controller running?)`;
    } catch (e) {
      if (e instanceof UntrustedClusterError || o.signal?.aborted) throw e;
      last = e instanceof Error ? e.message : String(e);
    }
    if (o.clock.now() + delay > deadline) throw new Error(`cannot trust ${o.server}: ${last}`);
    o.log.debug({ server: o.server, reason: last }, 'waiting for cluster-info');
    await o.clock.sleep(delay, o.signal);
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * The CA of a cluster-info ConfigMap's data if it checks out against the token; undefined when the
 * token's signature is not there yet; throws UntrustedClusterError when something does not match.
 */
export function trustedCa(data: Readonly<Record<string, string>>, join: JoinToken): string | undefined {
  const kubeconfig = data[CLUSTER_INFO_KUBECONFIG_KEY];
  if (kubeconfig === undefined) throw new UntrustedClusterError('cluster-info has no kubeconfig');
  const caPem = caOfKubeconfig(kubeconfig);
  if (join.caHash !== undefined) {
    const got = caCertHash(caPem);
    if (got !== join.caHash) {
      throw new UntrustedClusterError(`the cluster CA's hash ${got} is not the one in the join token (${join.caHash}): the token is for another cluster, or someone is in the way`);
    }
  }
  const jws = data[`${JWS_KEY_PREFIX}${join.token.id}`];
  if (jws === undefined) return undefined;
  if (!verifyClusterInfoSignature(kubeconfig, jws, join.token)) {
    throw new UntrustedClusterError(`the cluster-info signature for token "${join.token.id}" does not verify: this server does not know the token`);
  }
  return caPem;
}

function caOfKubeconfig(text: string): string {
  const doc: unknown = parse(text);
  const clusters = isPlainObject(doc) && Array.isArray(doc['clusters']) ? doc['clusters'] : [];
  const first: unknown = clusters[0];
  const cluster = isPlainObject(first) && isPlainObject(first['cluster']) ? first['cluster'] : undefined;
  const data = cluster?.['certificate-authority-data'];
  if (typeof data !== 'string') throw new UntrustedClusterError('cluster-info kubeconfig names no certificate-authority-data');
  const pem = Buffer.from(data, 'base64').toString('utf8');
  if (!pemBlocks(pem).some((b) => b.type === 'CERTIFICATE')) throw new UntrustedClusterError('cluster-info CA is not a PEM certificate');
  return pem;
}

/** GET cluster-info anonymously; the server's certificate is deliberately not verified (see above). */
function fetchClusterInfo(server: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const url = new URL(`/api/v1/namespaces/${CLUSTER_INFO_NAMESPACE}/configmaps/${CLUSTER_INFO_NAME}`, server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: 'GET', rejectUnauthorized: false, timeout: 10_000, headers: { Accept: 'application/json', 'User-Agent': 'k8ts-agent' },
      ...(signal ? { signal } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) { reject(new Error(`GET ${url.pathname}: HTTP ${res.statusCode} ${body.slice(0, 200)}`)); return; }
        try {
          const cm: unknown = JSON.parse(body);
          const data = isPlainObject(cm) && isPlainObject(cm['data']) ? cm['data'] : {};
          resolve(Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string')));
        } catch (e) { reject(e instanceof Error ? e : new Error(String(e))); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.href}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
