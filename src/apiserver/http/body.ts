// Reading and decoding request bodies: size limit (413), JSON or YAML (400 with the parser's message).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { badRequest, tooLarge } from '../../machinery/errors.js';
import { decodeKubeProtobuf, KUBE_PROTOBUF_MEDIA_TYPE } from '../protobuf/index.js';

/** kube-apiserver's limit for a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw tooLarge(`Request entity too large: limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(`Request entity too large: limit is ${limit}`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decode a JSON or YAML body into a value. `what` names the thing for messages. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  // kubectl's typed clients (create, drain, autoscale) send Kubernetes protobuf bodies.
  if (mt === KUBE_PROTOBUF_MEDIA_TYPE) return decodeKubeProtobuf(body).object;
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml') {
    const docs = parseAllDocuments(text);
    const real = docs.filter((d) => d.contents !== null);
    if (real.length > 1) throw badRequest('yaml: multiple documents are not supported in a request body');
    try {
      return parseYaml(text, { uniqueKeys: false });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // Same wording family as kube's json decoder so users see where the syntax broke.
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}
