// PATCH: JSON patch, merge patch and strategic merge patch applied to the current object, then
// written like an update (k8s.io/apiserver/pkg/endpoints/handlers/patch.go). Server-side apply is
// refused by name until it is built.
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';
import { badRequest, StatusError, unsupportedMediaType } from '../../machinery/errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../machinery/patch/index.js';
import { patchSchemaFor } from '../../api/openapi/index.js';
import { mediaType } from '../http/body.js';
import { checkIncoming, type FieldValidation } from '../registry/incoming.js';

export type PatchType = 'json' | 'merge' | 'strategic';

export function patchTypeOf(contentType: string | undefined, def: ResourceDef): PatchType {
  const mt = mediaType(contentType);
  switch (mt) {
    case 'application/json-patch+json': return 'json';
    case 'application/merge-patch+json': return 'merge';
    case 'application/strategic-merge-patch+json':
      if (def.crd) {
        throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 415, reason: 'UnsupportedMediaType',
          message: 'strategic merge patch is not supported for custom resources; use a JSON merge patch or a JSON patch' });
      }
      return 'strategic';
    case 'application/apply-patch+yaml':
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 415, reason: 'UnsupportedMediaType',
        message: 'server-side apply (application/apply-patch+yaml) is not supported by this server yet; use client-side kubectl apply' });
    default:
      throw unsupportedMediaType(contentType ?? '');
  }
}

export function parsePatchBody(body: Buffer, type: PatchType): unknown {
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  if (type === 'json' && !Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (type !== 'json' && !isPlainObject(patch)) throw badRequest('error decoding patch: the patch must be a JSON object');
  return patch;
}

/** The patched object, checked like a PUT body; resourceVersion pinned only if the patch names one. */
export function applyPatch(def: ResourceDef, current: KubeObject, patch: unknown, type: PatchType, validation: FieldValidation, warnings: string[]): KubeObject {
  let patched: unknown;
  switch (type) {
    case 'json': patched = applyJsonPatch(current, patch as never); break;
    case 'merge': patched = applyMergePatch(current, patch); break;
    case 'strategic':
      patched = applyStrategicMergePatch(current, patch, patchSchemaFor({ group: def.group, version: def.version, kind: def.kind }));
      break;
  }
  const obj = checkIncoming(def, patched, validation, warnings);
  const pinned = patchedResourceVersion(patch, type);
  const meta = (obj.metadata ??= {});
  if (pinned === undefined) delete meta.resourceVersion;
  return obj;
}

function patchedResourceVersion(patch: unknown, type: PatchType): string | undefined {
  if (type === 'json') {
    const ops = patch as Array<{ op?: string; path?: string; value?: unknown }>;
    const op = ops.find((o) => o.path === '/metadata/resourceVersion' && (o.op === 'replace' || o.op === 'add'));
    return typeof op?.value === 'string' ? op.value : undefined;
  }
  const meta = (patch as { metadata?: { resourceVersion?: unknown } }).metadata;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
}
