// SPDX-License-Identifier: Apache-2.0
// HTTP connection upgrades on a Node server. Node hands an upgrade request to the server's
// 'upgrade' event with the bare socket, not a response object; upgradeResponse() wraps that
// socket in a ServerResponse so one handler serves plain and upgrade requests alike and answers
// errors the ordinary way, while takeUpgradeSocket() hands the socket to whoever switches
// protocols (a WebSocket server, a byte-for-byte proxy).
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Kubernetes' remote-command WebSocket protocols (k8s.io/apimachinery/pkg/util/remotecommand). */
export const STREAM_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const STREAM_PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Port-forward over SPDY (k8s.io/apimachinery/pkg/util/portforward). */
export const PORT_FORWARD_PROTOCOL_V1 = 'portforward.k8s.io';
/** kubectl 1.30+ tunnels SPDY through a WebSocket whose subprotocol is this prefix + the SPDY one. */
export const SPDY_TUNNELING_PREFIX = 'SPDY/3.1+';
export const SPDY_31 = 'SPDY/3.1';

interface Upgrade { socket: Duplex; head: Buffer }
const upgrades = new WeakMap<IncomingMessage, Upgrade>();

/** A response object writing to an upgrade request's socket; closes the socket once it is sent. */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  upgrades.set(req, { socket, head });
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  // The socket is no longer an HTTP connection the server manages: a plain answer ends it.
  res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
  res.on('finish', () => { socket.end(); });
  socket.on('error', () => socket.destroy());
  return res;
}

/**
 * Sends a server's upgrade requests to `handle` (through upgradeResponse) and keeps their
 * connections, which leave the server's books once switched, so that closing the server can end
 * them too.
 */
export function serveUpgrades(server: Server, handle: (req: IncomingMessage, res: ServerResponse) => void): { destroyAll(): void } {
  const open = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    handle(req, upgradeResponse(req, socket, head));
  });
  return { destroyAll: () => { for (const s of open) s.destroy(); } };
}

/** Whether the request came through upgradeResponse() and its socket is still ours to take. */
export function isUpgrade(req: IncomingMessage): boolean {
  return upgrades.has(req);
}

/**
 * Takes the socket of an upgrade request out of its response object (which must not have written
 * anything), with the bytes that followed the request head.
 */
export function takeUpgradeSocket(req: IncomingMessage, res: ServerResponse): Upgrade {
  const up = upgrades.get(req);
  if (!up) throw new Error('not an upgrade request');
  if (res.headersSent) throw new Error('the response has already been started');
  upgrades.delete(req);
  res.detachSocket(up.socket as Parameters<ServerResponse['detachSocket']>[0]);
  res.removeAllListeners('finish');
  return up;
}

export function isWebSocketRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket' && connectionUpgrade(req);
}

export function isSpdyRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase().startsWith('spdy/') && connectionUpgrade(req);
}

function connectionUpgrade(req: IncomingMessage): boolean {
  return (req.headers.connection ?? '').toLowerCase().split(',').some((t) => t.trim() === 'upgrade');
}

/** The subprotocols a WebSocket request offers, in its order. */
export function webSocketProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const text = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** SPDY protocols a tunnelling WebSocket request offers ("SPDY/3.1+portforward.k8s.io" → "portforward.k8s.io"). */
export function tunneledSpdyProtocols(req: IncomingMessage): string[] {
  return webSocketProtocols(req)
    .filter((p) => p.startsWith(SPDY_TUNNELING_PREFIX) && p.endsWith('.k8s.io'))
    .map((p) => p.slice(SPDY_TUNNELING_PREFIX.length));
}
