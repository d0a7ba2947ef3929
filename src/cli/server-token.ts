// The server token: the shared secret of the servers of one cluster (k3s' --token). Its secret part
// derives the key that encrypts the cluster's bootstrap data in the datastore (bootstrap-data.ts);
// servers that share a datastore must share it. It is written to DATA/token in the full form
// `K10<sha256 of the CA certificate>::server:<secret>` (as k3s writes server/token); a server accepts
// that form or the bare secret. https://docs.k3s.io/cli/token
import { CommandError } from './errors.js';
import { randomBytes } from 'node:crypto';
import { JOIN_TOKEN_PREFIX, caCertHash, parseBootstrapToken } from '../machinery/bootstrap-token.js';

/** The user name of a server token's credentials (`server:<secret>`), as k3s spells it. */
export const SERVER_TOKEN_USER = 'server';

export class ServerTokenError extends CommandError {
  constructor(message: string) { super(message); this.name = 'ServerTokenError'; }
}

export interface ServerToken {
  /** The secret: what the encryption key is derived from. */
  readonly secret: string;
  /** SHA-256 of the cluster CA's DER, when the token was given in full form. */
  readonly caHash?: string;
}

const HASH_RE = /^[0-9a-f]{64}$/;

/** Parses `K10<ca-hash>::server:<secret>`, `server:<secret>` or a bare `<secret>`. */
export function parseServerToken(text: string): ServerToken {
  const t = text.trim();
  if (t === '') throw new ServerTokenError('the server token is empty');
  let creds = t;
  let caHash: string | undefined;
  if (t.startsWith(JOIN_TOKEN_PREFIX) && t.includes('::')) {
    const sep = t.indexOf('::');
    caHash = t.slice(JOIN_TOKEN_PREFIX.length, sep).toLowerCase();
    if (!HASH_RE.test(caHash)) throw new ServerTokenError('server token: the CA hash after K10 must be 64 hex digits (SHA-256)');
    creds = t.slice(sep + 2);
  }
  if (parseBootstrapToken(creds)) {
    throw new ServerTokenError('server token: this is a node join token (<id>.<secret>, from "k8ts token create"); a server needs the server token, DATA/token of the cluster\'s first server');
  }
  const colon = creds.indexOf(':');
  if (colon >= 0) {
    const user = creds.slice(0, colon);
    if (user !== SERVER_TOKEN_USER) throw new ServerTokenError(`server token: credentials for "${user}" are not a server token (expected ${SERVER_TOKEN_USER}:<secret>)`);
    creds = creds.slice(colon + 1);
  }
  if (creds === '') throw new ServerTokenError('server token: the secret is empty');
  return caHash === undefined ? { secret: creds } : { secret: creds, caHash };
}

/** A new random secret: 32 hex digits (128 bits). */
export function generateServerSecret(): string {
  return randomBytes(16).toString('hex');
}

/** The full form written to DATA/token. */
export function formatServerToken(secret: string, caPem: string): string {
  return `${JOIN_TOKEN_PREFIX}${caCertHash(caPem)}::${SERVER_TOKEN_USER}:${secret}`;
}

/** Throws when a full token pins a CA other than the cluster's. */
export function checkTokenCa(token: ServerToken, caPem: string): void {
  if (token.caHash === undefined) return;
  const actual = caCertHash(caPem);
  if (actual !== token.caHash) {
    throw new ServerTokenError(`the server token pins CA sha256:${token.caHash}, but this cluster's CA is sha256:${actual}: the token belongs to another cluster`);
  }
}
