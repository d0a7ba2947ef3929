// SPDX-License-Identifier: Apache-2.0
// Port-forward for kubectl 1.30+, which first tries a WebSocket whose subprotocol is
// "SPDY/3.1+portforward.k8s.io" and then speaks plain SPDY inside binary WebSocket messages
// (client-go tools/portforward/tunneling_connection.go), falling back to a plain SPDY upgrade
// when the WebSocket is refused. The runtime's stream server speaks the SPDY port-forward
// protocol itself (one stream pair — data and error — per forwarded connection, keyed by the
// requestID and port headers), so the tunnel is opened as a plain SPDY upgrade upstream and the
// bytes are carried across unread: the WebSocket messages' payloads one way, the upstream's bytes
// as binary messages the other (kube-apiserver/kubelet's TunnelingHandler does the same,
// k8s.io/apiserver/pkg/util/proxy/streamtunnel.go).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { dialUpgrade, UpgradeRefusedError } from './dial.js';
import type { UpstreamTarget } from './proxy.js';
import { SPDY_31, SPDY_TUNNELING_PREFIX, takeUpgradeSocket, tunneledSpdyProtocols } from './upgrade.js';

/** Whether a request asks for SPDY tunnelled through a WebSocket. */
export function wantsSpdyTunnel(req: IncomingMessage): boolean {
  return tunneledSpdyProtocols(req).length > 0;
}

const HIGH_WATER = 1 << 20;

/**
 * Opens the SPDY upgrade upstream; if refused, relays the refusal (kubectl then falls back to
 * plain SPDY); if accepted, accepts the WebSocket with the tunnelled form of the protocol the
 * upstream chose, and carries bytes until either side closes.
 */
export async function tunnelSpdyOverWebSocket(o: { req: IncomingMessage; res: ServerResponse; upstream: UpstreamTarget; log?: Logger }): Promise<void> {
  let up;
  try {
    up = await dialUpgrade(o.upstream, 'POST', { upgrade: SPDY_31, 'x-stream-protocol-version': tunneledSpdyProtocols(o.req) });
  } catch (e) {
    if (!(e instanceof UpgradeRefusedError)) throw e;
    o.res.writeHead(e.status, { 'content-type': String(e.headers['content-type'] ?? 'text/plain; charset=utf-8') });
    o.res.end(e.body);
    return;
  }
  const chosen = String(up.response.headers['x-stream-protocol-version'] ?? '').trim();
  const offered = tunneledSpdyProtocols(o.req);
  const { socket, head } = takeUpgradeSocket(o.req, o.res);
  // "SPDY/3.1+portforward.k8s.io" is not an RFC 6455 token ('/' is a separator), which the ws
  // library refuses in a request; gorilla/websocket, on both ends in Kubernetes, takes it. The
  // offer was read above, so the header is replaced by a token ws accepts, and the answer carries
  // the real subprotocol (ws writes whatever handleProtocols returns).
  o.req.headers['sec-websocket-protocol'] = 'k8ts-spdy-tunnel';
  const wss = new WebSocketServer({
    noServer: true, perMessageDeflate: false,
    handleProtocols: () => (chosen && offered.includes(chosen) ? SPDY_TUNNELING_PREFIX + chosen : false),
  });
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(o.req, socket as never, head, resolve));
  const upstream = up.socket;
  if (up.head.length > 0) ws.send(up.head);
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      upstream.destroy();
      if (ws.readyState === ws.OPEN) ws.close(1000);
      resolve();
    };
    ws.on('message', (m: Buffer) => {
      if (!upstream.write(m)) { ws.pause(); upstream.once('drain', () => ws.resume()); }
    });
    upstream.on('data', (d: Buffer) => {
      ws.send(d, { binary: true }, () => { if (upstream.isPaused() && ws.bufferedAmount < HIGH_WATER) upstream.resume(); });
      if (ws.bufferedAmount >= HIGH_WATER) upstream.pause();
    });
    upstream.on('end', finish);
    upstream.on('close', finish);
    upstream.on('error', (e) => { o.log?.debug({ err: e }, 'port-forward upstream error'); finish(); });
    ws.on('close', finish);
    ws.on('error', (e) => { o.log?.debug({ err: e }, 'port-forward websocket error'); finish(); });
  });
}
