// /openapi/v2 (JSON only: a client asking only for protobuf gets 406 and falls back) and /openapi/v3.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notAcceptable, pathNotFound } from '../../machinery/errors.js';
import { openapiV2DocumentBytes, openapiV3DocumentBytes, openapiV3Paths } from '../../api/openapi/index.js';

function send(req: IncomingMessage, res: ServerResponse, body: Buffer | string | object): void {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-cache, private' });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

function acceptsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  if (!accept) return true;
  return accept.split(',').some((a) => {
    const t = (a.split(';')[0] ?? '').trim();
    return t === 'application/json' || t === '*/*' || t === 'application/*';
  });
}

export function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (!acceptsJson(req)) throw notAcceptable('only application/json is served for OpenAPI documents');
  if (path === '/openapi/v2') return send(req, res, openapiV2DocumentBytes().body);
  if (path === '/openapi/v3') return send(req, res, openapiV3Paths() as object);
  if (path.startsWith('/openapi/v3/')) {
    const gv = path.slice('/openapi/v3/'.length);
    const d = openapiV3DocumentBytes(gv);
    if (!d) throw pathNotFound();
    return send(req, res, d.body);
  }
  throw pathNotFound();
}
