// Checks on an object a client sent, before any registry logic: it is an object of the right
// apiVersion/kind, its values have the right JSON types, and unknown fields are refused (Strict),
// reported (Warn, the default) or dropped (Ignore), as kube-apiserver's decoder does.
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import { badRequest } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';
import { pruneUnknownFields, typeErrors } from '../../api/openapi/index.js';
import { pruneBySchema } from '../../api/crd/index.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

// ObjectMeta's fields: a custom resource's metadata is pruned to these, as for built-ins.
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

function cannotHandle(def: ResourceDef, detail: string) {
  return badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${detail}`);
}

/** Validate shape and unknown fields of `raw`; returns it as a KubeObject. Adds Warn messages to `warnings`. */
export function checkIncoming(def: ResourceDef, raw: unknown, validation: FieldValidation, warnings: string[]): KubeObject {
  if (!isPlainObject(raw)) throw badRequest(`the body of the request was not a JSON object`);
  const obj = raw as KubeObject;
  const expected = apiVersionOf(def.group, def.version);
  // Like kube's decoder, the request path supplies a missing apiVersion/kind; present ones must agree.
  if (obj.kind === undefined || obj.kind === '') obj.kind = def.kind;
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== def.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
  }
  obj.apiVersion = expected;
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) {
    throw cannotHandle(def, 'json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta');
  }
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  let unknown: string[];
  if (def.crd) {
    unknown = [];
    for (const k of Object.keys(obj.metadata ?? {})) {
      if (!OBJECT_META_FIELDS.has(k)) { unknown.push(`metadata.${k}`); delete (obj.metadata as Record<string, unknown>)[k]; }
    }
    if (def.crd.schema && !def.crd.preserveUnknownFields) unknown.push(...pruneBySchema(obj, def.crd.schema));
  } else {
    const typeErrs = typeErrors(obj, gvk);
    if (typeErrs.length > 0) throw cannotHandle(def, typeErrs.map((e) => e.message).join(', '));
    unknown = pruneUnknownFields(obj, gvk);
  }
  if (unknown.length > 0) {
    if (validation === 'Strict') {
      const list = unknown.map((p) => `unknown field "${p}"`);
      throw cannotHandle(def, `strict decoding error: ${list.join(', ')}`);
    }
    if (validation === 'Warn') for (const p of unknown) warnings.push(`unknown field "${p}"`);
  }
  return obj;
}
