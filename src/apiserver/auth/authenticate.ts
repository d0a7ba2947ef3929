// SPDX-License-Identifier: Apache-2.0
// Request authentication: who is calling. Mirrors k8s.io/apiserver/pkg/authentication:
// each authenticator looks for one kind of credential; a union tries them in order; every
// authenticated user gains the group `system:authenticated` (authenticatedGroupAdder).
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/authentication/request/x509/x509.go
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { Clock } from '../../machinery/clock.js';
import { realClock } from '../../machinery/clock.js';
import { unauthorized } from '../../machinery/errors.js';

/** The authenticated caller (user.Info upstream). Groups keep the order the credential gave them. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * One way of proving identity (client certificate, bearer token, ...).
 * Contract: resolves to the user when the request carries a credential of this kind that
 * checks out; resolves to undefined when it carries none of this kind (let the next one try);
 * rejects with a 401 StatusError when it carries one that does not check out — an invalid
 * credential must never fall through to a weaker authenticator (e.g. anonymous).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

export const AUTHENTICATED_GROUP = 'system:authenticated';

/** Adds `system:authenticated` once, as kube-apiserver does for every authenticated request. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(AUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

/** What a TLS connection says about its client certificate. */
export type ClientCertState =
  | { state: 'none' }
  | { state: 'unverified'; reason: string }
  | { state: 'verified'; commonName: string; organizations: string[] };

/**
 * Inspects the client certificate of a socket accepted by an https server configured with
 * `requestCert: true, rejectUnauthorized: false, ca: [clusterCA]`. Node has already checked
 * the chain against the CA and the clientAuth purpose during the handshake (`authorized`);
 * expiry is checked again here because connections (watches) outlive the handshake, and
 * kube-apiserver verifies the certificate on every request.
 */
export function clientCertState(socket: TLSSocket, now: number = Date.now()): ClientCertState {
  const read = peerOf(socket);
  if (read.state !== 'verified') return read;
  if (read.notAfter <= now || read.notBefore > now) {
    return { state: 'unverified', reason: 'certificate has expired or is not yet valid' };
  }
  return { state: 'verified', commonName: read.commonName, organizations: read.organizations };
}

type PeerRead =
  | { state: 'none' }
  | { state: 'unverified'; reason: string }
  | { state: 'verified'; commonName: string; organizations: string[]; notBefore: number; notAfter: number };

// A connection's certificate does not change after the handshake: parse it once per socket
// (getPeerCertificate builds a fresh object each call and showed up hot under load). Expiry is
// still checked against the clock on every request.
const peerCache = new WeakMap<TLSSocket, PeerRead>();

function peerOf(socket: TLSSocket): PeerRead {
  const hit = peerCache.get(socket);
  if (hit) return hit;
  const peer = socket.getPeerCertificate();
  let read: PeerRead;
  // Without a certificate Node returns an empty object (null when the socket is gone).
  if (peer === null || peer === undefined || !peer.raw) read = { state: 'none' };
  else if (!socket.authorized) {
    const err = socket.authorizationError;
    read = { state: 'unverified', reason: err instanceof Error ? err.message : String(err ?? 'not verified') };
  } else {
    const subject: Record<string, unknown> = peer.subject ?? {};
    const cns = attributeValues(subject['CN']);
    read = {
      state: 'verified',
      // Go's pkix.Name keeps the last CN when a subject carries several.
      commonName: cns.length > 0 ? cns[cns.length - 1] ?? '' : '',
      organizations: attributeValues(subject['O']),
      notBefore: Date.parse(peer.valid_from),
      notAfter: Date.parse(peer.valid_to),
    };
  }
  peerCache.set(socket, read);
  return read;
}

/**
 * The user a verified client certificate names: CN → name, each O → a group, plus
 * `system:authenticated`. Undefined without a certificate, with one the cluster CA did not sign
 * (or not for client auth, or expired), or with an empty CN (upstream CommonNameUserConversion
 * does not authenticate those either).
 */
export function userFromTlsSocket(socket: TLSSocket, now: number = Date.now()): UserInfo | undefined {
  const cert = clientCertState(socket, now);
  if (cert.state !== 'verified' || cert.commonName === '') return undefined;
  return withAuthenticatedGroup({ name: cert.commonName, groups: cert.organizations });
}

/** Client-certificate authentication (kube-apiserver `--client-ca-file`). */
export function x509Authenticator(opts: { clock?: Pick<Clock, 'now'> } = {}): Authenticator {
  const clock = opts.clock ?? realClock;
  return {
    async authenticate(req) {
      const socket = req.socket;
      if (!(socket instanceof TLSSocket)) return undefined;
      const cert = clientCertState(socket, clock.now());
      if (cert.state === 'none') return undefined;
      if (cert.state === 'unverified') throw unauthorized(`verifying client certificate failed: ${cert.reason}`);
      if (cert.commonName === '') return undefined;
      return withAuthenticatedGroup({ name: cert.commonName, groups: cert.organizations });
    },
  };
}

/**
 * Tries authenticators in order; the first user wins. If none finds a user and one rejected the
 * request, that rejection stands (union.New upstream aggregates the errors; the caller answers
 * 401 either way). Undefined means no credentials at all: 401, or `system:anonymous` once
 * anonymous access exists.
 */
export function unionAuthenticator(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      let rejection: unknown;
      for (const a of authenticators) {
        try {
          const user = await a.authenticate(req);
          if (user !== undefined) return user;
        } catch (e) {
          rejection ??= e;
        }
      }
      if (rejection !== undefined) throw rejection;
      return undefined;
    },
  };
}

/** Node gives a subject attribute as a string, or an array when the attribute repeats. */
function attributeValues(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}
