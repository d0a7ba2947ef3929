// SPDX-License-Identifier: Apache-2.0
// Opening an upgraded connection to a streaming server (kubelet, or a container runtime's stream
// server): the client half of the HTTP/1.1 upgrade handshake.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { upstreamRequestFor, UpstreamDialError, type UpstreamTarget } from './proxy.js';
import { SPDY_31 } from './upgrade.js';
import { SpdySession } from './spdy/index.js';

/** The upstream answered the upgrade with something other than 101 Switching Protocols. */
export class UpgradeRefusedError extends Error {
  override name = 'UpgradeRefusedError';
  constructor(readonly status: number, readonly headers: IncomingMessage['headers'], readonly body: Buffer) {
    super(`unable to upgrade connection: ${body.toString('utf8').trim() || `status ${status}`}`);
  }
}

export interface Upgraded { response: IncomingMessage; socket: Duplex; head: Buffer }

/** Sends an upgrade request; resolves with the switched connection, rejects with UpgradeRefusedError or UpstreamDialError. */
export function dialUpgrade(target: UpstreamTarget, method: string, headers: OutgoingHttpHeaders): Promise<Upgraded> {
  return new Promise((resolve, reject) => {
    const req = upstreamRequestFor(target, method, { ...headers, connection: 'Upgrade' });
    req.on('error', (e) => reject(UpstreamDialError.from(e)));
    req.on('upgrade', (response, socket, head) => resolve({ response, socket, head }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { if (size < 64 * 1024) { chunks.push(c); size += c.length; } });
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      res.on('error', (e) => reject(new UpstreamDialError(e.message)));
    });
    req.end();
  });
}

/** A SPDY/3.1 client session to a streaming URL, with the protocol the server chose among `protocols`. */
export async function dialSpdy(target: UpstreamTarget, protocols: readonly string[]): Promise<{ session: SpdySession; protocol: string; socket: Duplex }> {
  const { response, socket, head } = await dialUpgrade(target, 'POST', {
    upgrade: SPDY_31, 'x-stream-protocol-version': [...protocols],
  });
  const protocol = String(response.headers['x-stream-protocol-version'] ?? '');
  if (head.length > 0) socket.unshift(head); // frames that came with the 101, read first
  const session = new SpdySession(socket, { role: 'client' });
  return { session, protocol, socket };
}
