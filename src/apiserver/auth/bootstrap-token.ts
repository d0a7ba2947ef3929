// Bootstrap-token authentication (kube-apiserver --enable-bootstrap-token-auth): a bearer token
// `<id>.<secret>` names the Secret kube-system/bootstrap-token-<id>; when it matches, has not
// expired and allows authentication, the caller is `system:bootstrap:<id>` in `system:bootstrappers`
// plus the Secret's auth-extra-groups. The Secret is read from the store directly: the API server
// does not call itself over HTTP.
// https://github.com/kubernetes/kubernetes/blob/master/plugin/pkg/auth/authenticator/token/bootstrap/bootstrap.go
import type { IncomingMessage } from 'node:http';
import type { Store } from '../../storage/types.js';
import type { Clock } from '../../machinery/clock.js';
import { realClock } from '../../machinery/clock.js';
import { unauthorized } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_USER_PREFIX, BOOTSTRAPPERS_GROUP,
  parseBootstrapToken, readBootstrapTokenSecret, tokenExpired, tokenSecretMatches,
} from '../../machinery/bootstrap-token.js';
import { BUILTIN_RESOURCES } from '../../api/resources/index.js';
import { objectKey } from '../registry/keys.js';
import { withAuthenticatedGroup, type Authenticator } from './authenticate.js';

const secretsDef = BUILTIN_RESOURCES.find((d) => d.group === '' && d.resource === 'secrets');

/** The bearer token of a request (`Authorization: Bearer <token>`), or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const [scheme, token, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0) return undefined;
  return token;
}

/**
 * Contract as Authenticator: undefined when the request has no bearer token of the bootstrap form
 * (another token authenticator may know it); a 401 when it has one that does not check out — as
 * kube's bearer-token wrapper turns "not found" into "invalid bearer token".
 */
export function bootstrapTokenAuthenticator(o: { store: Store; clock?: Pick<Clock, 'now'> }): Authenticator {
  const clock = o.clock ?? realClock;
  if (!secretsDef) throw new Error('secrets are not a built-in resource');
  const def = secretsDef;
  return {
    async authenticate(req) {
      const raw = bearerToken(req);
      if (raw === undefined) return undefined;
      const presented = parseBootstrapToken(raw);
      if (!presented) return undefined;
      const kv = await o.store.get(objectKey(def, BOOTSTRAP_TOKEN_NAMESPACE, `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${presented.id}`));
      if (!kv) throw unauthorized('invalid bearer token');
      const secret = JSON.parse(kv.value.toString('utf8')) as KubeObject;
      const stored = readBootstrapTokenSecret(secret);
      if (!stored || secret.metadata?.deletionTimestamp || !tokenSecretMatches(stored.token, presented)
        || tokenExpired(stored, clock.now()) || !stored.usages.has('authentication')) {
        throw unauthorized('invalid bearer token');
      }
      return withAuthenticatedGroup({
        name: `${BOOTSTRAP_USER_PREFIX}${presented.id}`,
        groups: [BOOTSTRAPPERS_GROUP, ...stored.extraGroups.filter((g) => g !== BOOTSTRAPPERS_GROUP)],
      });
    },
  };
}
