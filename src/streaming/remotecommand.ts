// SPDX-License-Identifier: Apache-2.0
// exec and attach for kubectl 1.30+, which speaks WebSocket "v5.channel.k8s.io", against a
// container runtime whose stream server speaks SPDY (containerd 1.6: remote-command v1–v4 over
// SPDY, v4 over WebSocket). Each WebSocket message is one channel byte and a payload — 0 stdin,
// 1 stdout, 2 stderr, 3 status (metav1.Status JSON), 4 terminal size (JSON) — and v5 adds the
// CLOSE signal [255, channel] that half-closes a stream. WebSocket v4 has no half-close: closing
// the socket ends everything, so a command reading stdin to its end (`kubectl cp` into a pod runs
// `tar x`) would never see EOF or report its status. SPDY has per-stream half-close (FIN), so the
// v5 session is bridged to a SPDY remote-command v4 session: CLOSE on stdin becomes FIN on the
// stdin stream. This is what kube-apiserver's StreamTranslatorHandler and, with
// ExtendWebSocketsToKubelet, kubelet do (k8s.io/apiserver/pkg/util/proxy/streamtranslator.go).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { dialSpdy, UpgradeRefusedError } from './dial.js';
import type { UpstreamTarget } from './proxy.js';
import type { SpdySession, SpdyStream } from './spdy/index.js';
import { STREAM_PROTOCOL_V4, STREAM_PROTOCOL_V5, takeUpgradeSocket, webSocketProtocols } from './upgrade.js';

export interface RemoteCommandStreams { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

const CH_STDIN = 0;
const CH_STDOUT = 1;
const CH_STDERR = 2;
const CH_ERROR = 3;
const CH_RESIZE = 4;
const CH_CLOSE = 255;
/** Above this many bytes queued towards the WebSocket client, reading from the runtime pauses. */
const HIGH_WATER = 1 << 20;

/** Whether a request asks for the v5 WebSocket protocol (and so needs translating). */
export function wantsStreamProtocolV5(req: IncomingMessage): boolean {
  return webSocketProtocols(req).includes(STREAM_PROTOCOL_V5);
}

function status(s: 'Success' | 'Failure', message?: string, reason?: string): Buffer {
  return Buffer.from(JSON.stringify({ metadata: {}, status: s, ...(message ? { message } : {}), ...(reason ? { reason } : {}) }));
}

/**
 * Accepts the WebSocket on `req` (v5.channel.k8s.io), opens a SPDY session to the runtime's
 * streaming URL and relays between them until the command ends or the client goes away.
 * The caller has checked that the request offers v5 and obtained `upstream` (a one-time URL).
 */
export async function bridgeV5ToSpdy(o: {
  req: IncomingMessage; res: ServerResponse; upstream: UpstreamTarget; streams: RemoteCommandStreams; log?: Logger;
}): Promise<void> {
  const { socket, head } = takeUpgradeSocket(o.req, o.res);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(STREAM_PROTOCOL_V5) ? STREAM_PROTOCOL_V5 : false) });
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(o.req, socket as never, head, resolve));
  const tty = o.streams.tty;
  const wantStderr = o.streams.stderr && !tty;
  // The lowest writable channel gets an empty message first: the client learns the session is up.
  ws.send(Buffer.from([o.streams.stdout ? CH_STDOUT : wantStderr ? CH_STDERR : CH_ERROR]));

  let finished = false;
  const finish = (statusJson: Buffer) => {
    if (finished) return;
    finished = true;
    if (ws.readyState === ws.OPEN) {
      ws.send(Buffer.concat([Buffer.from([CH_ERROR]), statusJson]));
      ws.close(1000);
    }
  };

  const early: Buffer[] = []; // client messages that arrive while SPDY is being set up
  let onMessage = (m: Buffer) => { early.push(m); };
  ws.on('message', (m: Buffer) => onMessage(m));
  const clientGone = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('error', (e) => o.log?.debug({ err: e }, 'exec websocket error'));

  let session: SpdySession;
  let upSocket: Duplex;
  try {
    ({ session, socket: upSocket } = await dialSpdy(o.upstream, [STREAM_PROTOCOL_V4]));
  } catch (e) {
    const why = e instanceof UpgradeRefusedError ? e.message : `error dialing backend: ${e instanceof Error ? e.message : String(e)}`;
    o.log?.warn({ err: e }, 'connecting to the runtime stream server failed');
    finish(status('Failure', `Internal error occurred: ${why}`, 'InternalError'));
    await clientGone;
    return;
  }
  session.on('error', (e) => o.log?.debug({ err: e }, 'runtime SPDY session error'));
  if (ws.readyState !== ws.OPEN) { session.destroy(); return; }

  // Stream order as client-go's remote-command v2–v4 clients open them.
  const errorStream = session.createStream({ streamtype: 'error' });
  const stdin = o.streams.stdin ? session.createStream({ streamtype: 'stdin' }) : undefined;
  const stdout = o.streams.stdout ? session.createStream({ streamtype: 'stdout' }) : undefined;
  const stderr = wantStderr ? session.createStream({ streamtype: 'stderr' }) : undefined;
  const resize = tty ? session.createStream({ streamtype: 'resize' }) : undefined;

  const errorData: Buffer[] = [];
  errorStream.on('data', (d) => errorData.push(d));
  // Output to the client; a slow client pauses reading from the runtime rather than piling up here.
  const toClient = (channel: number, stream: SpdyStream | undefined) => stream?.on('data', (d) => {
    ws.send(Buffer.concat([Buffer.from([channel]), d]), () => {
      if (upSocket.isPaused() && ws.bufferedAmount < HIGH_WATER) upSocket.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) upSocket.pause();
  });
  toClient(CH_STDOUT, stdout);
  toClient(CH_STDERR, stderr);

  onMessage = (m: Buffer) => {
    const channel = m[0];
    const payload = m.subarray(1);
    if (channel === CH_STDIN && stdin) {
      if (!stdin.write(payload)) { ws.pause(); session.once('drain', () => ws.resume()); }
    } else if (channel === CH_RESIZE && resize) {
      resize.write(payload);
    } else if (channel === CH_CLOSE && payload.length === 1) {
      if (payload[0] === CH_STDIN) stdin?.end();
      else if (payload[0] === CH_RESIZE) resize?.end();
    }
  };
  for (const m of early.splice(0)) onMessage(m);

  // The runtime ends the session once the command has exited and its status is written (it
  // resets the streams and closes the connection): that is when the status goes to the client.
  const runtimeDone = new Promise<void>((resolve) => session.once('close', () => resolve()));
  await Promise.race([runtimeDone, clientGone]);
  if (ws.readyState === ws.OPEN) {
    const body = Buffer.concat(errorData);
    // v4 error streams carry a metav1.Status; an empty one means success (client-go reads it so).
    finish(body.length > 0 ? body : status('Success'));
    await clientGone;
  } else {
    session.destroy(); // the client left: stop the command's streams
  }
}
