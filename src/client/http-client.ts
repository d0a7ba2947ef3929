// ApiClient over HTTPS (keep-alive agent, JSON bodies). Non-2xx answers reject with a StatusError
// carrying the server's Status; watches stream newline-delimited JSON events.
import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { StatusError, type Status } from '../machinery/errors.js';
import type { KubeObject, KubeList } from '../machinery/object.js';
import type { ApiClient, DeleteOptions, ListOptions, PatchType, ResourceRef, WatchEvent, WatchOptions, WriteOptions } from './types.js';
import type { ClientConfig } from './kubeconfig.js';
import { resourcePath, apiVersionOf } from './resources.js';

const PATCH_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, q: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') parts.push(`${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

function statusFrom(code: number, body: Buffer, method: string, path: string): StatusError {
  try {
    const s = JSON.parse(body.toString('utf8')) as Status;
    if (s && s.kind === 'Status') return new StatusError({ ...s, code: s.code || code });
  } catch { /* not a Status */ }
  const message = `${method} ${path}: HTTP ${code} ${body.toString('utf8').slice(0, 200)}`;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: '', code });
}

export function createClient(cfg: ClientConfig): ApiClient {
  const url = new URL(cfg.server);
  const secure = url.protocol === 'https:';
  const maxSockets = cfg.maxSockets ?? 64;
  // One TLS context for every connection (parsing keys and certificates per connection is costly),
  // and as many idle sockets kept as may be open, so bursts reuse connections instead of handshaking.
  const tls = secure ? { secureContext: createSecureContext({ ...(cfg.caPem ? { ca: cfg.caPem } : {}), ...(cfg.certPem ? { cert: cfg.certPem } : {}), ...(cfg.keyPem ? { key: cfg.keyPem } : {}) }) } : {};
  const agentOpts = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const agent = secure ? new Agent({ ...agentOpts, ...tls }) : new HttpAgent(agentOpts);
  // Watches hold a connection each for minutes: give them their own pool so they never starve requests.
  const watchAgent = secure ? new Agent({ keepAlive: false, maxSockets: Infinity, ...tls }) : new HttpAgent({ keepAlive: false });
  const baseHeaders: Record<string, string> = { 'User-Agent': cfg.userAgent ?? 'k8ts', Accept: 'application/json' };
  if (cfg.token) baseHeaders.Authorization = `Bearer ${cfg.token}`;
  const send = secure ? httpsRequest : httpRequest;

  function open(method: string, path: string, body: Buffer | undefined, headers: Record<string, string>, forWatch: boolean, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = send({
        host: url.hostname, port: url.port || (secure ? 443 : 80), method, path, agent: forWatch ? watchAgent : agent,
        headers: { ...baseHeaders, ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
        ...(signal ? { signal } : {}),
      }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await open(method, path, payload, payload ? { 'Content-Type': contentType } : {}, false);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw statusFrom(code, buf, method, path);
    return buf.length ? JSON.parse(buf.toString('utf8')) : {};
  }

  async function* watch<T extends KubeObject>(ref: ResourceRef, namespace: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const path = withQuery(resourcePath(ref, namespace), {
      watch: 1, resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined, timeoutSeconds: opts.timeoutSeconds,
    });
    let res: IncomingMessage;
    try {
      res = await open('GET', path, undefined, {}, true, signal);
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw statusFrom(code, Buffer.concat(chunks), 'GET', path);
    }
    let rest = '';
    try {
      for await (const chunk of res) {
        rest += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line.trim()) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    } finally {
      res.destroy();
    }
    if (rest.trim()) yield JSON.parse(rest) as WatchEvent<T>;
  }

  const withKind = (ref: ResourceRef, obj: KubeObject): KubeObject =>
    obj.kind && obj.apiVersion ? obj : { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(ref), kind: obj.kind ?? ref.kind };

  const writeQuery = (o?: WriteOptions): Query => ({ dryRun: o?.dryRun ? 'All' : undefined, fieldManager: o?.fieldManager });

  return {
    get: (ref, ns, name, o) => call('GET', resourcePath(ref, ns, name, o?.subresource)) as Promise<never>,
    list: <T extends KubeObject>(ref: ResourceRef, ns: string, o: ListOptions = {}) =>
      call('GET', withQuery(resourcePath(ref, ns), { ...o })) as Promise<KubeList<T>>,
    watch,
    create: (ref, ns, obj, o) => {
      const name = o?.subresource ? obj.metadata?.name : undefined;
      const body = o?.subresource ? obj : withKind(ref, obj);
      return call('POST', withQuery(resourcePath(ref, ns, name, o?.subresource), writeQuery(o)), body) as Promise<never>;
    },
    update: (ref, ns, obj, o) => call('PUT', withQuery(resourcePath(ref, ns, obj.metadata?.name ?? '', o?.subresource), writeQuery(o)),
      o?.subresource === 'scale' ? obj : withKind(ref, obj)) as Promise<never>,
    patch: (ref, ns, name, patch, type, o) =>
      call('PATCH', withQuery(resourcePath(ref, ns, name, o?.subresource), writeQuery(o)), patch, PATCH_TYPES[type]) as Promise<never>,
    delete: (ref, ns, name, o: DeleteOptions = {}) => {
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
      if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
      if (o.preconditions) body.preconditions = o.preconditions;
      if (o.dryRun) body.dryRun = ['All'];
      return call('DELETE', resourcePath(ref, ns, name), body) as Promise<KubeObject>;
    },
    deleteCollection: async (ref, ns, o = {}) => {
      const { labelSelector, fieldSelector, limit, gracePeriodSeconds, propagationPolicy } = o;
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (gracePeriodSeconds !== undefined) body.gracePeriodSeconds = gracePeriodSeconds;
      if (propagationPolicy) body.propagationPolicy = propagationPolicy;
      await call('DELETE', withQuery(resourcePath(ref, ns), { labelSelector, fieldSelector, limit }), body);
    },
    raw: async (method, path, body, headers = {}) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const res = await open(method, path, payload, payload && !headers['Content-Type'] ? { 'Content-Type': 'application/json', ...headers } : headers, false);
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      return { status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers };
    },
    close: () => { agent.destroy(); watchAgent.destroy(); },
  };
}
