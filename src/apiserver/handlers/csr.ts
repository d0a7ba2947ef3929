// CertificateSigningRequest requests that differ from the generic handler's:
// - create stamps spec.username/uid/groups/extra from the authenticated caller (kube's
//   csrStrategy.PrepareForCreate reads the user from the request context): the approver decides
//   on who asked, so a client must not be able to say who it is;
// - /status and /approval each change only their part of the object (strategy.go's
//   csrStatusStrategy and csrApprovalStrategy), with the update validation of that path.
// Everything else (get, list, watch, delete, metadata updates) is the generic handler's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/types.js';
import {
  prepareCsrApprovalUpdate, prepareCsrStatusUpdate, validateCsrUpdate,
} from '../../api/strategies/index.js';
import { badRequest, invalid, methodNotAllowed, unauthorized } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { clone } from '../../machinery/deep-equal.js';
import { decodeBody, readBody } from '../http/body.js';
import { negotiate } from '../http/negotiate.js';
import type { ResourceRequest } from '../http/request-info.js';
import { writeJson } from '../http/respond.js';
import { checkIncoming, parseFieldValidation } from '../registry/incoming.js';
import { getObject } from '../registry/read.js';
import { createObject, guaranteedUpdate } from '../registry/write.js';
import type { UserInfo } from '../auth/index.js';
import type { HandlerContext } from './context.js';
import { applyPatch, parsePatchBody, patchTypeOf } from './patch.js';

/** Serves the CSR requests above; false when the generic handler should serve this one. */
export async function handleCsrRequest(
  ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, def: ResourceDef,
  query: URLSearchParams, user: UserInfo | undefined,
): Promise<boolean> {
  if (def.group !== 'certificates.k8s.io' || def.resource !== 'certificatesigningrequests') return false;
  const sub = info.subresource;
  if (sub === '' && info.verb === 'create') {
    if (!user) throw unauthorized();
    await create(ctx, req, res, query, def, user);
    return true;
  }
  if (sub !== 'status' && sub !== 'approval') return false;
  if (sub === 'approval' && info.verb === 'get') {
    writeJson(res, 200, await getObject(ctx.deps, def, '', info.name), { yaml: negotiate(req.headers.accept).yaml });
    return true;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') {
    if (sub === 'status') return false; // GET of /status: the generic handler
    throw methodNotAllowed('the server does not allow this method on the requested resource');
  }
  await updatePart(ctx, req, res, query, def, info, sub);
  return true;
}

async function create(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, def: ResourceDef, user: UserInfo): Promise<void> {
  const warnings: string[] = [];
  const raw = decodeBody(await readBody(req), req.headers['content-type']);
  const obj = checkIncoming(def, raw, parseFieldValidation(query.get('fieldValidation')), warnings);
  const spec = (obj.spec && typeof obj.spec === 'object' && !Array.isArray(obj.spec) ? obj.spec : (obj.spec = {})) as Record<string, unknown>;
  spec['username'] = user.name;
  if (user.uid) spec['uid'] = user.uid; else delete spec['uid'];
  spec['groups'] = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) spec['extra'] = clone(user.extra); else delete spec['extra'];
  const created = await createObject(ctx.deps, def, '', obj, { dryRun: dryRunOf(query) });
  writeJson(res, 201, created, { yaml: negotiate(req.headers.accept).yaml, warnings });
}

async function updatePart(
  ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, def: ResourceDef,
  info: ResourceRequest, part: 'status' | 'approval',
): Promise<void> {
  const warnings: string[] = [];
  const validation = parseFieldValidation(query.get('fieldValidation'));
  let desired: (current: KubeObject) => KubeObject;
  if (info.verb === 'update') {
    const incoming = checkIncoming(def, decodeBody(await readBody(req), req.headers['content-type']), validation, warnings);
    desired = () => clone(incoming);
  } else {
    const type = patchTypeOf(req.headers['content-type'], def);
    const patch = parsePatchBody(await readBody(req), type);
    desired = (current) => { warnings.length = 0; return applyPatch(def, current, patch, type, validation, warnings); };
  }
  const now = ctx.deps.clock.now();
  const out = await guaranteedUpdate(ctx.deps, def, '', info.name, 'system', { dryRun: dryRunOf(query) }, (current) => {
    const next = desired(clone(current));
    if (part === 'status') prepareCsrStatusUpdate(next, current, now);
    else prepareCsrApprovalUpdate(next, current, now);
    const errs = validateCsrUpdate(next, current, part);
    if (errs.length > 0) throw invalid(def.kind, def.group, info.name, errs);
    return next;
  });
  writeJson(res, 200, out, { yaml: negotiate(req.headers.accept).yaml, warnings });
}

function dryRunOf(query: URLSearchParams): boolean {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return dryRun.includes('All');
}
