// Writing responses: JSON (or YAML) bodies, Status errors, Warning headers.
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { internalError, StatusError, type Status } from '../../machinery/errors.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, opts: { yaml?: boolean; warnings?: readonly string[] } = {}): void {
  if (res.headersSent) { res.end(); return; }
  const text = opts.yaml ? toYaml(body) : JSON.stringify(body);
  if (opts.warnings?.length) res.setHeader('Warning', opts.warnings.map(warningHeader));
  res.writeHead(code, {
    'Content-Type': opts.yaml ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** A JSON body already encoded as bytes (parts are concatenated as they are). */
export function writeJsonBytes(res: ServerResponse, code: number, parts: readonly Buffer[]): void {
  const body = parts.length === 1 ? parts[0] as Buffer : Buffer.concat(parts);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-cache, private' });
  res.end(body);
}

const PART_BATCH = 1 << 20;

/**
 * A JSON body of many parts (a list of items, each a view of a stored value): written in batches of
 * about 1 MiB as the client takes them, so a large list is never copied into one buffer.
 */
export async function writeJsonParts(res: ServerResponse, code: number, parts: readonly Buffer[]): Promise<void> {
  let length = 0;
  for (const p of parts) length += p.length;
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  let batch: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    batch.push(p);
    size += p.length;
    if (size < PART_BATCH) continue;
    const more = res.write(Buffer.concat(batch, size));
    batch = [];
    size = 0;
    if (!more) await drainedOrClosed(res);
    if (res.destroyed) return;
  }
  res.end(size > 0 ? Buffer.concat(batch, size) : undefined);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** RFC 7234 warning header value, as kube's warning recorder writes it. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function toStatusError(e: unknown): StatusError {
  return e instanceof StatusError ? e : internalError(e);
}

export function writeStatus(res: ServerResponse, e: unknown): Status {
  const err = toStatusError(e);
  writeJson(res, err.status.code, err.status);
  return err.status;
}

export function successStatus(details: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}
