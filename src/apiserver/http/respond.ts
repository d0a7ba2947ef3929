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
