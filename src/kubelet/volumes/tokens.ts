// Projected service account tokens, bound to the pod, from the TokenRequest API
// (POST serviceaccounts/<name>/token), cached and renewed like kubelet's token manager
// (pkg/kubelet/token): a token is renewed once 80% of its lifetime has passed, or after 24 hours.
// An API server that does not serve TokenRequest (501, or 404/405 on the subresource) makes the
// source be skipped with a warning, once per pod: the rest of the volume is still projected.
import type { Logger } from 'pino';
import { R, type ApiClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import { StatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Pod, ServiceAccountTokenProjection } from './types.js';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MAX_AGE_MS = 24 * 3600 * 1000;

interface Cached { token: string; renewAt: number; expiresAt: number }

interface TokenRequest extends KubeObject {
  status?: { token?: string; expirationTimestamp?: string };
}

function unsupported(e: unknown): boolean {
  if (!(e instanceof StatusError)) return false;
  if (e.code === 501 || e.code === 405) return true;
  return e.code === 404 && (e.status.details?.kind ?? '').endsWith('/token');
}

export class ServiceAccountTokens {
  readonly #client: ApiClient;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Cached>();
  readonly #warned = new Set<string>();

  constructor(o: { client: ApiClient; log: Logger; clock: Clock }) {
    this.#client = o.client;
    this.#log = o.log;
    this.#clock = o.clock;
  }

  /** The pod's token for this projection, or undefined when the API server has no TokenRequest. */
  async get(pod: Pod, src: ServiceAccountTokenProjection): Promise<string | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const sa = pod.spec.serviceAccountName || 'default';
    const ttl = src.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const key = `${uid}/${sa}/${src.audience ?? ''}/${ttl}`;
    const now = this.#clock.now();
    const hit = this.#cache.get(key);
    if (hit && now < hit.renewAt) return hit.token;
    const req: TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: sa },
      spec: {
        audiences: src.audience ? [src.audience] : [],
        expirationSeconds: ttl,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid },
      },
    };
    let out: TokenRequest;
    try {
      out = await this.#client.create<TokenRequest>(R.serviceaccounts, pod.metadata?.namespace ?? '', req, { subresource: 'token' });
    } catch (e) {
      if (!unsupported(e)) {
        // A token still valid is better than none while the API server is unreachable.
        if (hit && now < hit.expiresAt) return hit.token;
        throw e;
      }
      if (!this.#warned.has(uid)) {
        this.#warned.add(uid);
        this.#log.warn({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, serviceAccount: sa, err: (e as Error).message },
          'the API server does not serve TokenRequest (serviceaccounts/token): projected serviceAccountToken source skipped');
      }
      return undefined;
    }
    const token = out.status?.token;
    if (!token) throw new Error(`TokenRequest for service account "${sa}" returned no token`);
    const expiresAt = out.status?.expirationTimestamp ? Date.parse(out.status.expirationTimestamp) : now + ttl * 1000;
    const lifetime = expiresAt - now;
    this.#cache.set(key, { token, expiresAt, renewAt: now + Math.min(lifetime * 0.8, MAX_AGE_MS) });
    return token;
  }

  /** Drops a pod's tokens (at teardown). */
  forget(podUid: string): void {
    for (const k of this.#cache.keys()) if (k.startsWith(`${podUid}/`)) this.#cache.delete(k);
    this.#warned.delete(podUid);
  }
}
