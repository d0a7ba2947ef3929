// SPDX-License-Identifier: Apache-2.0
// startKubeletServer: the kubelet's HTTPS API on :10250 — healthz, the pod list, container logs,
// exec/attach/port-forward streams and run (execSync) — as the API server's nodes/proxy and
// pods/{log,exec,attach,portforward} reach it.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock } from '../../machinery/clock.js';
import { serveUpgrades } from '../../streaming/index.js';
import { authenticate, authorize } from './auth.js';
import { serveContainerLogs } from './logs.js';
import { parseRoute } from './routes.js';
import { serveAttach, serveExec, servePortForward, serveRun } from './streams.js';
import { writeText, type Ctx } from './respond.js';
import { KubeletHttpError, type KubeletServerOptions, type RunningKubeletServer } from './types.js';

export async function startKubeletServer(o: KubeletServerOptions): Promise<RunningKubeletServer> {
  const clock = o.clock ?? realClock;
  const ctx: Ctx = { backend: o.backend, clock, ...(o.log ? { log: o.log } : {}) };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const user = authenticate(req, clock.now());
    if (!user) return writeText(res, 401, 'Unauthorized');
    const denied = authorize(user, req.method ?? 'GET', url.pathname);
    if (denied) return writeText(res, 403, denied);
    const route = parseRoute(url.pathname);
    const method = req.method ?? 'GET';
    if (!route) return writeText(res, 404, '404: Page Not Found');
    switch (route.kind) {
      case 'healthz':
        return writeText(res, 200, 'ok');
      case 'pods': {
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        const items = await o.backend.listPods();
        const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'containerLogs':
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        return serveContainerLogs(ctx, res, route, url.searchParams);
      case 'exec':
        if (method !== 'GET' && method !== 'POST') return methodNotAllowed(res, 'GET, POST');
        return serveExec(ctx, req, res, route, url.searchParams);
      case 'attach':
        if (method !== 'GET' && method !== 'POST') return methodNotAllowed(res, 'GET, POST');
        return serveAttach(ctx, req, res, route, url.searchParams);
      case 'portForward':
        if (method !== 'GET' && method !== 'POST') return methodNotAllowed(res, 'GET, POST');
        return servePortForward(ctx, req, res, route, url.searchParams);
      case 'run':
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        return serveRun(ctx, res, route, url.searchParams);
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      const code = e instanceof KubeletHttpError ? e.statusCode : 500;
      if (code >= 500) o.log?.warn({ err: e, method: req.method, url: req.url }, 'kubelet request failed');
      if (!res.headersSent && !res.destroyed) writeText(res, code, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  };

  const server = https.createServer({
    key: o.tls.key, cert: o.tls.cert, ca: o.clientCA, requestCert: true, rejectUnauthorized: false,
  }, serve);
  const upgrades = serveUpgrades(server, serve);
  // Streams and followed logs are long-lived; kubelet's own limit is 4 hours.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  o.log?.info({ host: o.host, port }, 'kubelet server listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      upgrades.destroyAll();
    }),
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  writeText(res, 405, 'Method Not Allowed');
}
