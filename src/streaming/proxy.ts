// SPDX-License-Identifier: Apache-2.0
// Proxying a request to another server: an ordinary request is forwarded and its answer relayed;
// an upgrade request is forwarded, and once the upstream switches protocols (101) the two
// connections are spliced byte for byte — WebSocket or SPDY, the proxy reads none of it
// (apimachinery's UpgradeAwareHandler does the same for kube-apiserver → kubelet → runtime).
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { isUpgrade, takeUpgradeSocket } from './upgrade.js';

/** Where to send the request, and the TLS material for an https upstream. */
export interface UpstreamTarget {
  url: URL;
  /** Verify the upstream's certificate against this CA (PEM). */
  ca?: string;
  /** Client certificate and key (PEM) to authenticate with. */
  cert?: string;
  key?: string;
}

/** The upstream could not be reached (nothing was sent to the client yet). */
export class UpstreamDialError extends Error {
  override name = 'UpstreamDialError';

  /** Worded as Go's net package words it, which is what kubectl users see from kube-apiserver. */
  static from(e: Error): UpstreamDialError {
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    const where = err.address ? `${err.address.includes(':') ? `[${err.address}]` : err.address}:${err.port ?? ''}` : '';
    const why: Record<string, string> = {
      ECONNREFUSED: 'connect: connection refused', EHOSTUNREACH: 'connect: no route to host',
      ENETUNREACH: 'connect: network is unreachable', ETIMEDOUT: 'i/o timeout', ECONNRESET: 'connection reset by peer',
    };
    const text = err.code && why[err.code] && where ? `dial tcp ${where}: ${why[err.code]}` : err.message;
    return new UpstreamDialError(text);
  }
}

/** Headers that describe one hop, not the request (RFC 9110 section 7.6.1), plus credentials of our client. */
const HOP_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'authorization', 'content-length',
]);

/** Headers to send upstream: the client's, without hop-by-hop ones (kept for an upgrade) or its credentials. */
export function forwardedHeaders(h: IncomingHttpHeaders, upgrade: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (k.startsWith('impersonate-')) continue;
    if (HOP_HEADERS.has(k) && !(upgrade && (k === 'connection' || k === 'upgrade'))) continue;
    out[k] = v;
  }
  if (h['content-length'] !== undefined && !upgrade) out['content-length'] = h['content-length'];
  return out;
}

export function upstreamRequestFor(target: UpstreamTarget, method: string, headers: OutgoingHttpHeaders): http.ClientRequest {
  const u = target.url;
  const common = {
    host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, path: `${u.pathname}${u.search}`,
    method, headers, agent: false as const,
  };
  if (u.protocol === 'https:') {
    return https.request({
      ...common,
      ...(target.ca ? { ca: target.ca } : {}), ...(target.cert ? { cert: target.cert } : {}), ...(target.key ? { key: target.key } : {}),
    });
  }
  return http.request(common);
}

/** "HTTP/1.1 101 Switching Protocols\r\n..." for a response we relay as raw bytes. */
export function responseHead(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Joins two connections until either ends. */
export function splice(a: Duplex, b: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      a.destroy();
      b.destroy();
      resolve();
    };
    a.on('error', finish);
    b.on('error', finish);
    a.on('close', finish);
    b.on('close', finish);
    // A half-close is passed on; the other side decides when to close.
    a.pipe(b);
    b.pipe(a);
  });
}

/**
 * Sends `req` to the target and relays the outcome to `res`: the upstream's answer, or for an
 * upgrade request that the upstream accepts, the spliced connection. Resolves when done; rejects
 * with UpstreamDialError when the upstream cannot be reached (the caller answers the client then).
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, target: UpstreamTarget, opts: { method?: string } = {}): Promise<void> {
  const upgrade = isUpgrade(req);
  return new Promise<void>((resolve, reject) => {
    const up = upstreamRequestFor(target, opts.method ?? req.method ?? 'GET', forwardedHeaders(req.headers, upgrade));
    let answered = false;
    up.on('error', (e) => {
      if (!answered) { reject(UpstreamDialError.from(e)); return; }
      res.destroy();
      resolve();
    });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      answered = true;
      if (!upgrade) { upSocket.destroy(); res.destroy(); resolve(); return; }
      const { socket, head } = takeUpgradeSocket(req, res);
      socket.write(responseHead(upRes));
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      void splice(socket, upSocket).then(resolve);
    });
    up.on('response', (upRes) => {
      answered = true;
      const headers: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = v;
      res.writeHead(upRes.statusCode ?? 502, headers);
      // Stream as it comes (logs with follow): write through, end when the upstream ends.
      upRes.pipe(res);
      upRes.on('end', resolve);
      upRes.on('error', () => { res.destroy(); resolve(); });
      res.on('close', () => { upRes.destroy(); up.destroy(); resolve(); });
    });
    res.on('close', () => { if (!answered) up.destroy(); });
    if (upgrade) up.end();
    else req.pipe(up);
  });
}
