// Resource requests: verbs on collections and objects, and the status/scale/binding subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { KubeObject, ListMeta } from '../../machinery/object.js';
import { badRequest, methodNotAllowed, notFound, StatusError } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../http/body.js';
import { negotiate, type Negotiated } from '../http/negotiate.js';
import type { ResourceRequest } from '../http/request-info.js';
import { successStatus, writeJson, writeJsonBytes, writeJsonParts } from '../http/respond.js';
import { checkIncoming, parseFieldValidation } from '../registry/incoming.js';
import { compileFilter } from '../registry/filter.js';
import { getObject, getObjectJson, listObjects } from '../registry/read.js';
import { createObject, guaranteedUpdate, updateObject, type UpdateMode } from '../registry/write.js';
import { deleteObject, parseDeleteOptions } from '../registry/delete.js';
import type { HandlerContext } from './context.js';
import { applyPatch, parsePatchBody, patchTypeOf } from './patch.js';
import { metadataList, parseIncludeObject, partialMetadata, tableOf } from './views.js';
import { serveWatch } from './watch.js';
import { scaleHandlers } from './scale.js';
import { bindPod } from './binding.js';
import { evictPod } from './eviction.js';
import { isKubeletSubresource, serveKubeletSubresource } from './kubelet/index.js';

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

function hasVerb(def: ResourceDef, verb: string): boolean {
  return (def.verbs as string[]).includes(verb);
}

function respondObject(ctx: HandlerContext, res: ServerResponse, def: ResourceDef, code: number, obj: KubeObject, neg: Negotiated, query: URLSearchParams, warnings: string[] = []): void {
  let body: unknown = obj;
  if (neg.view === 'table' && obj.kind === def.kind) {
    body = tableOf(ctx.tableFor(def), [obj], { resourceVersion: obj.metadata?.resourceVersion ?? '' }, parseIncludeObject(query.get('includeObject')), ctx.deps.clock.now());
  } else if (neg.view === 'metadata' && obj.kind === def.kind) {
    body = partialMetadata(obj);
  }
  writeJson(res, code, body, { yaml: neg.yaml, warnings });
}

function writeOptions(query: URLSearchParams) {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return { dryRun: dryRun.includes('All') };
}

export async function handleResource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, def: ResourceDef, query: URLSearchParams): Promise<void> {
  const { deps } = ctx;
  const ns = def.namespaced ? info.namespace : '';
  if (!def.namespaced && info.namespace && info.resource !== 'namespaces') throw notFound({ group: def.group, resource: def.resource }, info.name);
  if (info.subresource) return handleSubresource(ctx, req, res, info, def, ns, query);
  const neg = negotiate(req.headers.accept);
  const warnings: string[] = [];
  switch (info.verb) {
    case 'get': {
      if (!hasVerb(def, 'get')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      if (neg.view === 'object' && !neg.yaml) {
        return writeJsonBytes(res, 200, [await getObjectJson(deps, def, ns, info.name, query.get('resourceVersion') ?? '')]);
      }
      const obj = await getObject(deps, def, ns, info.name, query.get('resourceVersion') ?? '');
      return respondObject(ctx, res, def, 200, obj, neg, query);
    }
    case 'list': {
      if (!hasVerb(def, 'list')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const filter = compileFilter(def, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
      const limit = Number(query.get('limit') ?? '0');
      if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${query.get('limit')}"`);
      const rvm = query.get('resourceVersionMatch') ?? '';
      if (rvm !== '' && rvm !== 'Exact' && rvm !== 'NotOlderThan') {
        throw badRequest(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
      }
      const asBytes = neg.view === 'object' && !neg.yaml;
      const out = await listObjects(deps, def, ns, {
        resourceVersion: query.get('resourceVersion') ?? '', resourceVersionMatch: rvm, limit,
        continueToken: query.get('continue') ?? '', filter, raw: asBytes,
      });
      const meta: ListMeta = { resourceVersion: out.resourceVersion };
      if (out.continueToken) meta.continue = out.continueToken;
      if (out.remainingItemCount !== undefined) meta.remainingItemCount = out.remainingItemCount;
      if (asBytes) {
        // The list is assembled from the items' bytes: nothing is decoded or re-encoded.
        const head = Buffer.from(`{"kind":"${def.listKind}","apiVersion":"${apiVersionOf(def.group, def.version)}","metadata":${JSON.stringify(meta)},"items":[`);
        const parts: Buffer[] = [head];
        out.raw.forEach((item, i) => { if (i > 0) parts.push(COMMA); parts.push(...item); });
        parts.push(LIST_END);
        return writeJsonParts(res, 200, parts);
      }
      let body: unknown;
      if (neg.view === 'table') body = tableOf(ctx.tableFor(def), out.items, meta, parseIncludeObject(query.get('includeObject')), deps.clock.now());
      else if (neg.view === 'metadata') body = metadataList(out.items, meta);
      else body = { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: meta, items: out.items };
      return writeJson(res, 200, body, { yaml: neg.yaml });
    }
    case 'watch':
      if (!hasVerb(def, 'watch')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      return serveWatch(ctx, req, res, def, ns, info.name, query, neg);
    case 'create': {
      if (!hasVerb(def, 'create') || info.name) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const opts = writeOptions(query);
      const raw = decodeBody(await readBody(req), req.headers['content-type']);
      const obj = checkIncoming(def, raw, parseFieldValidation(query.get('fieldValidation')), warnings);
      const created = await createObject(deps, def, ns, obj, opts);
      return respondObject(ctx, res, def, 201, created, neg, query, warnings);
    }
    case 'update': {
      if (!hasVerb(def, 'update')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const opts = writeOptions(query);
      const raw = decodeBody(await readBody(req), req.headers['content-type']);
      const obj = checkIncoming(def, raw, parseFieldValidation(query.get('fieldValidation')), warnings);
      const { obj: out, created } = await updateObject(deps, def, ns, info.name, obj, 'main', opts, allowCreateOnUpdate(def));
      return respondObject(ctx, res, def, created ? 201 : 200, out, neg, query, warnings);
    }
    case 'patch': {
      if (!hasVerb(def, 'patch')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const out = await patchObject(ctx, req, def, ns, info.name, 'main', query, warnings);
      return respondObject(ctx, res, def, 200, out, neg, query, warnings);
    }
    case 'delete': {
      if (!hasVerb(def, 'delete')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const body = await readOptionalBody(req);
      const result = await deleteObject(deps, def, ns, info.name, parseDeleteOptions(query, body));
      if (!result.deleted || returnsDeletedObject(def)) return respondObject(ctx, res, def, 200, result.obj, neg, query);
      return writeJson(res, 200, successStatus({ name: info.name, group: def.group, kind: def.resource, uid: result.obj.metadata?.uid ?? '' }));
    }
    case 'deletecollection': {
      if (!hasVerb(def, 'deletecollection')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const body = await readOptionalBody(req);
      const opts = parseDeleteOptions(query, body);
      const filter = compileFilter(def, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
      const out = await listObjects(deps, def, ns, { resourceVersion: '', resourceVersionMatch: '', limit: 0, continueToken: '', filter });
      const items: KubeObject[] = [];
      for (const item of out.items) {
        try {
          const r = await deleteObject(deps, def, item.metadata?.namespace ?? ns, item.metadata?.name ?? '', opts);
          items.push(r.obj);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      return writeJson(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: { resourceVersion: out.resourceVersion }, items });
    }
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

/** Kinds kube lets a PUT create (rest.Updater AllowCreateOnUpdate). */
function allowCreateOnUpdate(def: ResourceDef): boolean {
  return def.group === '' && (def.resource === 'endpoints' || def.resource === 'events') ||
    def.group === 'coordination.k8s.io' || def.group === 'rbac.authorization.k8s.io';
}

/** Kinds whose DELETE answers with the object rather than a Status (graceful deletion kinds). */
function returnsDeletedObject(def: ResourceDef): boolean {
  return def.group === '' && (def.resource === 'pods' || def.resource === 'namespaces');
}

async function readOptionalBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0 || body.toString('utf8').trim() === '') return undefined;
  return decodeBody(body, req.headers['content-type'] ?? 'application/json');
}

export async function patchObject(ctx: HandlerContext, req: IncomingMessage, def: ResourceDef, ns: string, name: string, mode: UpdateMode, query: URLSearchParams, warnings: string[]): Promise<KubeObject> {
  const type = patchTypeOf(req.headers['content-type'], def);
  const patch = parsePatchBody(await readBody(req), type);
  const validation = parseFieldValidation(query.get('fieldValidation'));
  return guaranteedUpdate(ctx.deps, def, ns, name, mode, writeOptions(query), (current) => {
    warnings.length = 0;
    return applyPatch(def, current, patch, type, validation, warnings);
  });
}

async function handleSubresource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, def: ResourceDef, ns: string, query: URLSearchParams): Promise<void> {
  if (isKubeletSubresource(def, info.subresource)) return serveKubeletSubresource(ctx, req, res, info, def, query);
  const sub = def.subresources.find((s) => s.name === info.subresource);
  if (!sub || !info.name) throw notFound({ group: def.group, resource: `${def.resource}/${info.subresource}` }, info.name);
  const neg = negotiate(req.headers.accept);
  const warnings: string[] = [];
  if (sub.name === 'status') {
    switch (info.verb) {
      case 'get':
        return respondObject(ctx, res, def, 200, await getObject(ctx.deps, def, ns, info.name), neg, query);
      case 'update': {
        const raw = decodeBody(await readBody(req), req.headers['content-type']);
        const obj = checkIncoming(def, raw, parseFieldValidation(query.get('fieldValidation')), warnings);
        const { obj: out } = await updateObject(ctx.deps, def, ns, info.name, obj, 'status', writeOptions(query), false);
        return respondObject(ctx, res, def, 200, out, neg, query, warnings);
      }
      case 'patch':
        return respondObject(ctx, res, def, 200, await patchObject(ctx, req, def, ns, info.name, 'status', query, warnings), neg, query, warnings);
      default:
        throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
  }
  if (sub.name === 'scale' && def.scale) {
    const h = scaleHandlers(ctx, def, def.scale);
    switch (info.verb) {
      case 'get': return writeJson(res, 200, await h.get(ns, info.name));
      case 'update': return writeJson(res, 200, await h.update(ns, info.name, decodeBody(await readBody(req), req.headers['content-type']), writeOptions(query)));
      case 'patch': {
        const type = patchTypeOf(req.headers['content-type'], { ...def, crd: undefined });
        const patch = parsePatchBody(await readBody(req), type);
        return writeJson(res, 200, await h.patch(ns, info.name, patch, type, writeOptions(query)));
      }
      default: throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
  }
  if (sub.name === 'binding' && info.verb === 'create') {
    const raw = decodeBody(await readBody(req), req.headers['content-type']);
    await bindPod(ctx, ns, info.name, raw, writeOptions(query));
    return writeJson(res, 201, successStatus(undefined));
  }
  if (sub.name === 'eviction' && info.verb === 'create' && def.resource === 'pods') {
    const raw = decodeBody(await readBody(req), req.headers['content-type']);
    await evictPod(ctx, ns, info.name, raw, query);
    return writeJson(res, 201, successStatus(undefined));
  }
  if (sub.name === 'finalize' && info.verb === 'update') {
    const raw = decodeBody(await readBody(req), req.headers['content-type']);
    const obj = checkIncoming(def, raw, 'Ignore', warnings);
    const out = await guaranteedUpdate(ctx.deps, def, ns, info.name, 'system', writeOptions(query), (current) => {
      current.spec = { ...(current.spec as object), finalizers: (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
      return current;
    });
    return respondObject(ctx, res, def, 200, out, neg, query);
  }
  throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 501, reason: 'InternalError',
    message: `${def.resource}/${sub.name} is not served by this server yet` });
}
