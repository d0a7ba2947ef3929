// /openapi/v2 (JSON, or protobuf for kubectl 1.27/1.28, in the first form the Accept header names)
// and /openapi/v3 (JSON only: a client asking only for protobuf gets 406 and falls back).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notAcceptable, pathNotFound } from '../../machinery/errors.js';
import { OPENAPI_V2_PROTOBUF, openapiV2DocumentBytes, openapiV2DocumentProto, openapiV3DocumentBytes, openapiV3Paths } from '../../api/openapi/index.js';

function send(req: IncomingMessage, res: ServerResponse, body: Buffer | string | object, contentType = 'application/json'): void {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': buf.length, 'Cache-Control': 'no-cache, private' });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

/** The first form the Accept header names that is served: JSON or (v2 only) protobuf. */
function wanted(req: IncomingMessage, protobufToo: boolean): 'json' | 'protobuf' | undefined {
  const accept = req.headers.accept;
  if (!accept) return 'json';
  for (const a of accept.split(',')) {
    const t = (a.split(';')[0] ?? '').trim();
    if (t === 'application/json' || t === '*/*' || t === 'application/*') return 'json';
    if (protobufToo && t === OPENAPI_V2_PROTOBUF) return 'protobuf';
  }
  return undefined;
}

export function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string): void {
  const form = wanted(req, path === '/openapi/v2');
  if (!form) throw notAcceptable(`only application/json${path === '/openapi/v2' ? ` and ${OPENAPI_V2_PROTOBUF}` : ''} are served for this OpenAPI document`);
  if (path === '/openapi/v2') {
    // Answered as kube-openapi does: the form asked for is not a valid media type for Go's mime parser.
    return form === 'protobuf' ? send(req, res, openapiV2DocumentProto(), 'application/octet-stream') : send(req, res, openapiV2DocumentBytes().body);
  }
  if (path === '/openapi/v3') return send(req, res, openapiV3Paths() as object);
  if (path.startsWith('/openapi/v3/')) {
    const gv = path.slice('/openapi/v3/'.length);
    const d = openapiV3DocumentBytes(gv);
    if (!d) throw pathNotFound();
    return send(req, res, d.body);
  }
  throw pathNotFound();
}
