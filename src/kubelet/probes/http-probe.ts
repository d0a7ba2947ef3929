// httpGet probes (pkg/probe/http): GET scheme://host:port/path with the probe's headers, TLS not
// verified; 200–399 is success. Redirects are followed while they stay on the same host (at most
// 10 requests); a redirect elsewhere ends the chain and its 3xx counts as a warning. At most 10 KiB
// of the body is read. Errors carry Go's texts, so events read as a real kubelet's.
// The timeout is wall-clock time for the whole exchange (Go's http.Client.Timeout).
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { HttpGetAction } from '../api-types.js';
import { connErrorText, dialErrorText, dialTimeoutText, goQuote, joinHostPort } from './go-text.js';
import { probeUrl, resolveLocation, type ProbeUrl } from './http-url.js';
import { resolveProbePort } from './ports.js';
import { PROBE_USER_AGENT, probeHost, type ProbeOutcome, type ProbeTarget } from './types.js';

const MAX_BODY_BYTES = 10 * 1024;
const MAX_REQUESTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
// Go's httpguts.ValidHeaderFieldValue: no control characters other than tab.
const BAD_HEADER_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** textproto.CanonicalMIMEHeaderKey: "x-forwarded-for" → "X-Forwarded-For". */
function canonicalHeaderKey(name: string): string {
  if (!HEADER_NAME.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

interface ProbeHeaders {
  /** Canonical name → values, in the order given. */
  fields: Map<string, string[]>;
  /** The Host header, when the probe sets one (Go's req.Host). */
  host: string | undefined;
}

/** The probe's headers plus the kubelet's User-Agent and Accept defaults (request.go newProbeRequest). */
function probeHeaders(list: HttpGetAction['httpHeaders']): ProbeHeaders {
  const fields = new Map<string, string[]>();
  for (const h of list ?? []) {
    const name = canonicalHeaderKey(h.name);
    fields.set(name, [...(fields.get(name) ?? []), h.value]);
  }
  if (!fields.has('User-Agent')) fields.set('User-Agent', [PROBE_USER_AGENT]);
  if (!fields.has('Accept')) fields.set('Accept', ['*/*']);
  else if (fields.get('Accept')?.[0] === '') fields.delete('Accept');
  const host = fields.get('Host')?.[0] || undefined;
  fields.delete('Host');
  return { fields, host };
}

/** Go rejects bad header fields when it writes the request; so do we, with its words. */
function headerError(h: ProbeHeaders): string | undefined {
  for (const [name, values] of h.fields) {
    if (!HEADER_NAME.test(name)) return `net/http: invalid header field name ${goQuote(name)}`;
    if (values.some((v) => BAD_HEADER_VALUE.test(v))) return `net/http: invalid header field value for ${goQuote(name)}`;
  }
  return undefined;
}

function outgoingHeaders(h: ProbeHeaders, host: string | undefined, referer: string | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (host !== undefined) out.Host = host;
  for (const [name, values] of h.fields) {
    // An empty User-Agent means none (Go's Request.write).
    if (name === 'User-Agent' && values[0] === '') continue;
    out[name] = values.length === 1 ? values[0] : values;
  }
  if (referer !== undefined && !h.fields.has('Referer')) out.Referer = referer;
  return out;
}

type Sent = { ok: true; res: IncomingMessage } | { ok: false; text: string };

/** One request, up to the response headers. The signal is the probe's deadline. */
function send(u: ProbeUrl, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<Sent> {
  return new Promise((resolve) => {
    if (u.scheme !== 'http' && u.scheme !== 'https') {
      resolve({ ok: false, text: `unsupported protocol scheme ${goQuote(u.scheme)}` });
      return;
    }
    let connected = false;
    let local: string | undefined;
    let settled = false;
    const finish = (s: Sent) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(s);
    };
    const opts = {
      hostname: u.hostname, port: u.port, path: u.requestPath, method: 'GET', headers, agent: false as const,
      // Verification off, as the kubelet's prober; SNI from the URL's host, never from a Host header (Go's choice).
      rejectUnauthorized: false, servername: isIP(u.hostname) ? '' : u.hostname,
    };
    const req = u.scheme === 'https' ? https.request(opts) : http.request(opts);
    const onAbort = () => {
      const text = connected ? 'context deadline exceeded' : dialTimeoutText(u.hostname, u.port);
      finish({ ok: false, text: `${text} (Client.Timeout exceeded while awaiting headers)` });
      req.destroy();
    };
    req.on('socket', (s: Socket) => {
      const onConnect = () => { connected = true; local = joinHostPort(s.localAddress ?? '', s.localPort ?? 0); };
      if (!s.connecting) onConnect();
      else s.once('connect', onConnect);
    });
    req.on('response', (res) => finish({ ok: true, res }));
    req.on('error', (e) => finish({
      ok: false,
      text: connected ? connErrorText(e, local, joinHostPort(u.hostname, u.port)) : dialErrorText(e, u.hostname, u.port),
    }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

type Body = { ok: true; body: string } | { ok: false; text: string };

/** Reads at most MAX_BODY_BYTES of the body (more is not an error: the rest is dropped). */
function readBody(res: IncomingMessage, signal: AbortSignal): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (b: Body) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      resolve(b);
    };
    const text = () => Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
    const onAbort = () => finish({ ok: false, text: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' });
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= MAX_BODY_BYTES) finish({ ok: true, body: text() });
    });
    res.on('end', () => finish({ ok: true, body: text() }));
    res.on('error', () => finish({ ok: false, text: 'unexpected EOF' }));
    res.on('aborted', () => finish({ ok: false, text: 'unexpected EOF' }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The response's verdict (pkg/probe/http DoHTTPProbe). */
async function judge(res: IncomingMessage, signal: AbortSignal): Promise<ProbeOutcome> {
  const status = res.statusCode ?? 0;
  const b = await readBody(res, signal);
  if (!b.ok) return { result: 'unknown', output: b.text };
  if (status >= 200 && status < 400) {
    if (status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${b.body}` };
    return { result: 'success', output: b.body };
  }
  // Never the body here: kubelet keeps response bodies out of events (kubernetes#99425).
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${status}` };
}

/** Follows the redirect chain and judges where it ends. */
async function exchange(first: ProbeUrl, h: ProbeHeaders, signal: AbortSignal): Promise<ProbeOutcome> {
  let url = first;
  let host = h.host;
  let referer: string | undefined;
  for (let sent = 1; ; sent++) {
    const step = await send(url, outgoingHeaders(h, host, referer), signal);
    if (!step.ok) return { result: 'failure', output: `Get ${goQuote(url.display)}: ${step.text}` };
    const res = step.res;
    const location = res.headers.location;
    if (!REDIRECT_STATUSES.has(res.statusCode ?? 0) || !location) return judge(res, signal);
    let next: ProbeUrl;
    try {
      next = resolveLocation(url, location);
    } catch (e) {
      res.destroy();
      return { result: 'failure', output: `Get ${goQuote(url.display)}: failed to parse Location header ${goQuote(location)}: ${(e as Error).message}` };
    }
    // Only redirects to the same host are followed (probe/http RedirectChecker, followNonLocalRedirects=false).
    if (next.hostname !== first.hostname) return judge(res, signal);
    res.destroy();
    if (sent >= MAX_REQUESTS) return { result: 'failure', output: `Get ${goQuote(location)}: stopped after 10 redirects` };
    // Go keeps a custom Host through relative redirects only, and sends a Referer unless going https → http.
    if (/^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('//')) host = undefined;
    referer = url.scheme === 'https' && next.scheme === 'http' ? undefined : url.display;
    url = next;
  }
}

export async function httpProbe(action: HttpGetAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const scheme = (action.scheme ?? '').toLowerCase() || 'http';
  const port = resolveProbePort(action.port, t.ports);
  const url = probeUrl(scheme, action.host || probeHost(t), port, action.path ?? '');
  const headers = probeHeaders(action.httpHeaders);
  const bad = headerError(headers);
  if (bad) return { result: 'failure', output: `Get ${goQuote(url.display)}: ${bad}` };
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await exchange(url, headers, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}
