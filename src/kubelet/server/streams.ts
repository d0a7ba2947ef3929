// SPDX-License-Identifier: Apache-2.0
// exec, attach and portForward: the runtime hands out a one-time streaming URL (CRI Exec, Attach,
// PortForward) and the connection goes there — byte for byte when the client speaks what the
// runtime speaks (SPDY, WebSocket v4, channel port-forward), translated when it speaks what
// containerd 1.6 does not: WebSocket v5 (kubectl 1.30+ exec/attach) and SPDY tunnelled in a
// WebSocket (kubectl 1.30+ port-forward). pkg/kubelet/server getExec/getAttach/getPortForward.
// run: ExecSync, its output as the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bridgeV5ToSpdy, isUpgrade, isWebSocketRequest, proxyRequest, tunnelSpdyOverWebSocket, UpstreamDialError,
  wantsSpdyTunnel, wantsStreamProtocolV5,
} from '../../streaming/index.js';
import { podOr404, type Ctx } from './respond.js';
import { KubeletHttpError, type StreamParams } from './types.js';

type ContainerRoute = { namespace: string; pod: string; uid?: string; container: string };

/** kubelet reads these as "1" (kube-apiserver sends them so); "true" is taken too. */
function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === '1' || v === 'true';
}

/** kubelet's remotecommand NewOptions. */
function streamParams(query: URLSearchParams): StreamParams {
  const tty = flag(query, 'tty');
  const p = { stdin: flag(query, 'input') || flag(query, 'stdin'), stdout: flag(query, 'output') || flag(query, 'stdout'), stderr: flag(query, 'error') || flag(query, 'stderr'), tty };
  if (tty) p.stderr = false; // a terminal has one output stream
  if (!p.stdin && !p.stdout && !p.stderr) throw new KubeletHttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  return p;
}

async function toRuntime(ctx: Ctx, req: IncomingMessage, res: ServerResponse, runtimeUrl: string, translate: 'remotecommand' | 'portforward', streams?: StreamParams): Promise<void> {
  const upstream = { url: new URL(runtimeUrl) };
  if (translate === 'remotecommand' && streams && isWebSocketRequest(req) && wantsStreamProtocolV5(req)) {
    return bridgeV5ToSpdy({ req, res, upstream, streams, ...(ctx.log ? { log: ctx.log } : {}) });
  }
  try {
    if (translate === 'portforward' && isWebSocketRequest(req) && wantsSpdyTunnel(req)) {
      return await tunnelSpdyOverWebSocket({ req, res, upstream, ...(ctx.log ? { log: ctx.log } : {}) });
    }
    return await proxyRequest(req, res, upstream);
  } catch (e) {
    if (e instanceof UpstreamDialError) throw new KubeletHttpError(500, `error dialing backend: ${e.message}`);
    throw e;
  }
}

function requireUpgrade(req: IncomingMessage): void {
  if (!isUpgrade(req)) throw new KubeletHttpError(400, 'Upgrade request required');
}

export async function serveExec(ctx: Ctx, req: IncomingMessage, res: ServerResponse, route: ContainerRoute, query: URLSearchParams): Promise<void> {
  const streams = streamParams(query);
  requireUpgrade(req);
  const pod = await podOr404(ctx, route.namespace, route.pod, route.uid, 'pod does not exist');
  const command = query.getAll('command');
  const url = await ctx.backend.exec(pod, route.container, { ...streams, command });
  return toRuntime(ctx, req, res, url, 'remotecommand', streams);
}

export async function serveAttach(ctx: Ctx, req: IncomingMessage, res: ServerResponse, route: ContainerRoute, query: URLSearchParams): Promise<void> {
  const streams = streamParams(query);
  requireUpgrade(req);
  const pod = await podOr404(ctx, route.namespace, route.pod, route.uid, 'pod does not exist');
  const url = await ctx.backend.attach(pod, route.container, streams);
  return toRuntime(ctx, req, res, url, 'remotecommand', streams);
}

/** Ports of a WebSocket port-forward (`port=80&port=443` or `port=80,443`); kubelet's NewV4Options. */
function ports(query: URLSearchParams): number[] {
  const out: number[] = [];
  for (const v of query.getAll('port')) {
    for (const p of v.split(',')) {
      const n = Number(p.trim());
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new KubeletHttpError(400, `unable to parse "${p}" as a port: invalid port`);
      out.push(n);
    }
  }
  return out;
}

export async function servePortForward(ctx: Ctx, req: IncomingMessage, res: ServerResponse,
  route: { namespace: string; pod: string; uid?: string }, query: URLSearchParams): Promise<void> {
  const wanted = ports(query);
  requireUpgrade(req);
  // A channel (not tunnelled) WebSocket port-forward names its ports in the query.
  if (isWebSocketRequest(req) && !wantsSpdyTunnel(req) && wanted.length === 0) throw new KubeletHttpError(400, 'query parameter "port" is required');
  const pod = await podOr404(ctx, route.namespace, route.pod, route.uid, 'pod does not exist');
  const url = await ctx.backend.portForward(pod, wanted);
  return toRuntime(ctx, req, res, url, 'portforward');
}

export async function serveRun(ctx: Ctx, res: ServerResponse, route: ContainerRoute, query: URLSearchParams): Promise<void> {
  const pod = await podOr404(ctx, route.namespace, route.pod, route.uid, 'pod does not exist');
  // For legacy reasons run takes one space-separated "cmd" (kubelet getRun).
  const command = (query.get('cmd') ?? '').split(' ');
  const out = await ctx.backend.execSync(pod, route.container, command, 0);
  const body = Buffer.concat([out.stdout, out.stderr]);
  if (body.length === 0) { res.writeHead(200); res.end(); return; }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}
