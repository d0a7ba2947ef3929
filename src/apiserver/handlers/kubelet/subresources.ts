// SPDX-License-Identifier: Apache-2.0
// The subresources the API server answers by asking the pod's (or the named) node's kubelet:
// pods/log (streamed), pods/exec, pods/attach, pods/portforward (connection upgrades spliced
// byte for byte to the kubelet, which speaks to the runtime) and nodes/proxy (any kubelet path).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../../api/types.js';
import type { KubeObject } from '../../../machinery/object.js';
import { badRequest, internalError, methodNotAllowed, notFound, StatusError, type Status } from '../../../machinery/errors.js';
import { isUpgrade, proxyRequest, upstreamRequestFor, UpstreamDialError, type UpstreamTarget } from '../../../streaming/index.js';
import type { ResourceRequest } from '../../http/request-info.js';
import { getObject } from '../../registry/read.js';
import type { HandlerContext } from '../context.js';
import { dialFailed, kubeletTarget } from './connection.js';
import { podContainer, podLogQuery, portForwardQuery, streamQuery } from './pod-options.js';

const POD_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

/** Whether this request is one the kubelet answers. */
export function isKubeletSubresource(def: ResourceDef, subresource: string): boolean {
  if (def.group !== '') return false;
  if (def.resource === 'pods') return POD_SUBRESOURCES.has(subresource);
  if (def.resource === 'nodes') return subresource === 'proxy' || subresource.startsWith('proxy/');
  return false;
}

export async function serveKubeletSubresource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse,
  info: ResourceRequest, def: ResourceDef, query: URLSearchParams): Promise<void> {
  if (def.resource === 'nodes') return serveNodeProxy(ctx, req, res, info, def, query);
  const pod = await getObject(ctx.deps, def, info.namespace, info.name);
  const name = info.name;
  const nodeName = ((pod.spec ?? {}) as { nodeName?: string }).nodeName ?? '';
  switch (info.subresource) {
    case 'log': {
      if (req.method !== 'GET') throw methodNotAllowed('the server does not allow this method on the requested resource');
      const { container: requested, kubeletQuery } = podLogQuery(query, name);
      const container = podContainer(pod, requested);
      // A pod not yet scheduled has no log: an empty answer (kube's LogLocation returns no location).
      if (nodeName === '') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(); return; }
      const target = await kubeletTarget(ctx, nodeName, `/containerLogs/${seg(info.namespace)}/${seg(name)}/${seg(container)}?${kubeletQuery}`);
      return streamLog(res, target, name);
    }
    case 'exec':
    case 'attach': {
      const { container: requested, kubeletQuery } = streamQuery(query, info.subresource === 'exec');
      const container = podContainer(pod, requested);
      return proxyStream(ctx, req, res, pod, nodeName, `/${info.subresource}/${seg(info.namespace)}/${seg(name)}/${seg(container)}?${kubeletQuery}`);
    }
    case 'portforward':
      return proxyStream(ctx, req, res, pod, nodeName, `/portForward/${seg(info.namespace)}/${seg(name)}?${portForwardQuery(query)}`);
    default:
      throw notFound({ group: '', resource: `pods/${info.subresource}` }, name);
  }
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** exec/attach/portforward: an upgrade, spliced to the kubelet (pkg/registry/core/pod/rest/subresources.go). */
async function proxyStream(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, pod: KubeObject, nodeName: string, path: string): Promise<void> {
  if (nodeName === '') throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  const target = await kubeletTarget(ctx, nodeName, path);
  if (!isUpgrade(req)) throw badRequest('Upgrade request required');
  try {
    await proxyRequest(req, res, target);
  } catch (e) {
    if (e instanceof UpstreamDialError) throw dialFailed(e.message);
    throw e;
  }
}

/** nodes/NAME/proxy/PATH → https://KUBELET/PATH, any method, upgrades included. */
async function serveNodeProxy(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, def: ResourceDef, query: URLSearchParams): Promise<void> {
  await getObject(ctx.deps, def, '', info.name); // 404 for an unknown node
  const rest = info.subresource === 'proxy' ? '/' : `/${info.subresource.slice('proxy/'.length)}`;
  const search = query.toString();
  const target = await kubeletTarget(ctx, info.name, `${rest}${search ? `?${search}` : ''}`);
  try {
    await proxyRequest(req, res, target);
  } catch (e) {
    if (e instanceof UpstreamDialError) throw dialFailed(e.message);
    throw e;
  }
}

/**
 * GET the kubelet's log and stream it through. A kubelet error becomes a Status as kube's
 * GenericHttpResponseChecker makes it: 400 → BadRequest with the kubelet's text, 500 →
 * InternalError, others → the generic "the server ... (get pods/log NAME)" forms.
 */
function streamLog(res: ServerResponse, target: UpstreamTarget, podName: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const up = upstreamRequestFor(target, 'GET', {});
    let answered = false;
    up.on('error', (e) => { if (!answered) reject(dialFailed(UpstreamDialError.from(e).message)); else { res.destroy(); resolve(); } });
    up.on('response', (upRes) => {
      answered = true;
      const code = upRes.statusCode ?? 500;
      if (code < 200 || code > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        upRes.on('data', (c: Buffer) => { if (size < 50_000) { chunks.push(c); size += c.length; } });
        upRes.on('end', () => reject(logError(code, Buffer.concat(chunks).toString('utf8').slice(0, 50_000), podName)));
        upRes.on('error', (e) => reject(internalError(e)));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      upRes.pipe(res);
      upRes.on('end', resolve);
      upRes.on('error', () => { res.destroy(); resolve(); });
    });
    res.on('close', () => { up.destroy(); resolve(); });
    up.end();
  });
}

function logError(code: number, body: string, podName: string): StatusError {
  if (code === 500) return internalError(new Error(body));
  if (code === 400) return badRequest(body);
  const generic: Record<number, [Status['reason'], string]> = {
    404: ['NotFound', 'the server could not find the requested resource'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', body],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  let [reason, message] = generic[code] ?? ['', `the server responded with the status code ${code} but did not return more information`];
  if (code > 500 && !generic[code]) { reason = 'InternalError'; message = `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`; }
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason,
    // kube formats "%s (%s %s %s)" with an empty verb: note the two spaces.
    message: `${message} ( pods/log ${podName})`,
    details: { name: podName, kind: 'pods/log' },
  });
}
