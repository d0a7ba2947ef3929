// Bootstrap tokens: short-lived shared secrets a new node presents to join (kubeadm's
// `<id>.<secret>`, stored as `bootstrap-token-<id>` Secrets in kube-system), the join token k8ts
// prints around them (k3s' `K10<CA hash>::<credentials>` form), and the detached JWS that signs
// kube-public/cluster-info per token (kubeadm's bootstrap signer).
// https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/
import { createHash, createHmac, randomInt, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { KubeObject } from './object.js';
import { isPlainObject, rfc3339 } from './object.js';

export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
/** Every bootstrap-token user is in this group (and named `system:bootstrap:<id>`). */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
/** The extra group `k8ts token create` gives its tokens (k3s and kubeadm name theirs alike). */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:k8ts:default-node-token';
/** Prefix of the join token: k3s' format version "K10". */
export const JOIN_TOKEN_PREFIX = 'K10';

/** A bootstrap token: id `[a-z0-9]{6}` (public, names the Secret) and secret `[a-z0-9]{16}`. */
export interface BootstrapToken { readonly id: string; readonly secret: string }

export type TokenUsage = 'authentication' | 'signing';

const ID_RE = /^[a-z0-9]{6}$/;
const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const HASH_RE = /^[0-9a-f]{64}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return { id: pick(6), secret: pick(16) };
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

/** `<id>.<secret>`, or undefined when the text is not a bootstrap token. */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const m = TOKEN_RE.exec(text.trim());
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

/**
 * The hash a join token pins the cluster CA with: SHA-256 of the CA certificate's DER, lower-case
 * hex (Node's fingerprint256 without colons). kubeadm pins the CA's public key info instead
 * (--discovery-token-ca-cert-hash); either way a node can trust the CA it is sent without a copy.
 */
export function caCertHash(caPem: string): string {
  return createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex');
}

/** `K10<ca hash>::<id>.<secret>` — what `k8ts token create` prints and `k8ts agent --token` takes. */
export function formatJoinToken(token: BootstrapToken, caHash: string): string {
  if (!HASH_RE.test(caHash)) throw new Error(`CA hash must be 64 lower-case hex digits, got "${caHash}"`);
  return `${JOIN_TOKEN_PREFIX}${caHash}::${formatBootstrapToken(token)}`;
}

export interface JoinToken { token: BootstrapToken; /** Undefined for a bare `<id>.<secret>`. */ caHash?: string }

/** Parses `K10<hash>::<id>.<secret>` or a bare `<id>.<secret>`; throws an Error saying what is wrong. */
export function parseJoinToken(text: string): JoinToken {
  const t = text.trim();
  if (t.startsWith(JOIN_TOKEN_PREFIX)) {
    const sep = t.indexOf('::');
    if (sep < 0) throw new Error('join token: expected K10<ca-hash>::<id>.<secret>');
    const caHash = t.slice(JOIN_TOKEN_PREFIX.length, sep).toLowerCase();
    if (!HASH_RE.test(caHash)) throw new Error('join token: the CA hash must be 64 hex digits (SHA-256)');
    const token = parseBootstrapToken(t.slice(sep + 2));
    if (!token) throw new Error('join token: the credentials after "::" must be a bootstrap token <6 chars>.<16 chars> of [a-z0-9]');
    return { token, caHash };
  }
  const token = parseBootstrapToken(t);
  if (!token) throw new Error('join token: expected K10<ca-hash>::<id>.<secret> or <id>.<secret>');
  return { token };
}

export interface TokenSecretOptions {
  /** Absolute expiry, ms since epoch; none means the token never expires. */
  expiresAt?: number;
  description?: string;
  usages?: readonly TokenUsage[];
  /** Extra groups (each `system:bootstrappers:...`). */
  extraGroups?: readonly string[];
}

/** The kube-system Secret that stores a token, as kubeadm writes it. */
export function bootstrapTokenSecret(token: BootstrapToken, o: TokenSecretOptions = {}): KubeObject {
  const stringData: Record<string, string> = { 'token-id': token.id, 'token-secret': token.secret };
  if (o.description) stringData['description'] = o.description;
  if (o.expiresAt !== undefined) stringData['expiration'] = rfc3339(o.expiresAt);
  for (const u of o.usages ?? ['authentication', 'signing']) stringData[`usage-bootstrap-${u}`] = 'true';
  if (o.extraGroups?.length) {
    for (const g of o.extraGroups) {
      if (!validExtraGroup(g)) throw new Error(`extra group "${g}" must start with "${BOOTSTRAPPERS_GROUP}:"`);
    }
    stringData['auth-extra-groups'] = o.extraGroups.join(',');
  }
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return {
    apiVersion: 'v1', kind: 'Secret', type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${token.id}`, namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    data,
  };
}

/** A token Secret, read and checked. */
export interface StoredBootstrapToken {
  token: BootstrapToken;
  /** ms since epoch; undefined: never expires. */
  expiresAt?: number;
  description?: string;
  usages: ReadonlySet<TokenUsage>;
  extraGroups: readonly string[];
}

/**
 * Reads a bootstrap-token Secret as kube's bootstrap authenticator and signer do: type, name
 * `bootstrap-token-<id>` agreeing with token-id, a well-formed secret, and a parseable expiration.
 * Undefined for anything else (such a Secret grants nothing). Expiry is the caller's check.
 */
export function readBootstrapTokenSecret(secret: Readonly<KubeObject>): StoredBootstrapToken | undefined {
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  const name = secret.metadata?.name ?? '';
  if (!name.startsWith(BOOTSTRAP_TOKEN_SECRET_PREFIX)) return undefined;
  const data = isPlainObject(secret.data) ? secret.data : {};
  const get = (k: string): string | undefined => {
    const v = data[k];
    return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
  };
  const id = get('token-id') ?? '';
  const tokenSecret = get('token-secret') ?? '';
  if (!ID_RE.test(id) || name !== `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`) return undefined;
  const token = parseBootstrapToken(`${id}.${tokenSecret}`);
  if (!token) return undefined;
  const out: StoredBootstrapToken = { token, usages: new Set(), extraGroups: [] };
  const expiration = get('expiration');
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at)) return undefined; // kube treats an unparseable expiration as expired
    out.expiresAt = at;
  }
  const description = get('description');
  if (description) out.description = description;
  const usages = new Set<TokenUsage>();
  if (get('usage-bootstrap-authentication') === 'true') usages.add('authentication');
  if (get('usage-bootstrap-signing') === 'true') usages.add('signing');
  out.usages = usages;
  const groups = (get('auth-extra-groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  if (groups.some((g) => !validExtraGroup(g))) return undefined;
  out.extraGroups = groups;
  return out;
}

export function tokenExpired(t: StoredBootstrapToken, now: number): boolean {
  return t.expiresAt !== undefined && t.expiresAt <= now;
}

/** Constant-time comparison of a presented secret with the stored one. */
export function tokenSecretMatches(stored: BootstrapToken, presented: BootstrapToken): boolean {
  const a = Buffer.from(stored.secret);
  const b = Buffer.from(presented.secret);
  return stored.id === presented.id && a.length === b.length && timingSafeEqual(a, b);
}

function validExtraGroup(g: string): boolean {
  return g.startsWith(`${BOOTSTRAPPERS_GROUP}:`) && g.length > BOOTSTRAPPERS_GROUP.length + 1;
}

// ---- cluster-info signatures ------------------------------------------------------------------

/** kube-public/cluster-info: the ConfigMap a joining node reads without credentials. */
export const CLUSTER_INFO_NAMESPACE = 'kube-public';
export const CLUSTER_INFO_NAME = 'cluster-info';
export const CLUSTER_INFO_KUBECONFIG_KEY = 'kubeconfig';
/** cluster-info's data key holding the signature made with token `<id>`. */
export const JWS_KEY_PREFIX = 'jws-kubeconfig-';

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * A detached JWS (RFC 7515 appendix F: `header..signature`), HS256 keyed with the token's secret
 * over the kubeconfig text, the token id as `kid` — what kube's bootstrap signer writes to
 * cluster-info. A node holding the token checks it to know the server also holds the token.
 */
export function signClusterInfo(kubeconfig: string, token: BootstrapToken): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: token.id }));
  const sig = createHmac('sha256', token.secret).update(`${header}.${b64url(kubeconfig)}`).digest();
  return `${header}..${b64url(sig)}`;
}

/** True when `jws` is a detached HS256 signature of `kubeconfig` made with `token` (kid = its id). */
export function verifyClusterInfoSignature(kubeconfig: string, jws: string, token: BootstrapToken): boolean {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '') return false;
  const [header = '', , sig = ''] = parts;
  let h: unknown;
  try { h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')); } catch { return false; }
  if (!isPlainObject(h) || h['alg'] !== 'HS256' || h['kid'] !== token.id) return false;
  const expected = createHmac('sha256', token.secret).update(`${header}.${b64url(kubeconfig)}`).digest();
  const got = Buffer.from(sig, 'base64url');
  return expected.length === got.length && timingSafeEqual(expected, got);
}
