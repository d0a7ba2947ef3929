// Schema defaulting of custom resources, in place, as kube-apiserver applies it after pruning and
// before validation, on requests and on reads from storage
// (apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go and prunenulls.go).
//
// - A null where the schema does not allow null is dropped, unless the field has a default.
// - A missing field, or a null where null is not allowed, gets a copy of its default.
// - Defaults reach into everything afterwards, including values just defaulted, array items and
//   additionalProperties values: a default object then gets its own fields' defaults.
// apiVersion, kind and metadata at the root are never defaulted (CRD validation forbids it).
import { isPlainObject } from '../../machinery/object.js';
import { clone } from '../../machinery/deep-equal.js';
import type { Schema } from './types.js';
import { additionalOf, flag, itemsOf, propertiesOf, propertySchema } from './types.js';

const ROOT_META = new Set(['apiVersion', 'kind', 'metadata']);

export function applySchemaDefaults(obj: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  dropDisallowedNulls(obj, schema, true);
  applyDefaults(obj, schema, true);
}

function hasDefault(s: Schema | undefined): s is Schema {
  return s !== undefined && s.default !== undefined && s.default !== null;
}

/** A null the schema does not allow (nullable absent or false). */
function disallowedNull(x: unknown, s: Schema | undefined): s is Schema {
  return x === null && s !== undefined && !flag(s, 'nullable');
}

/** The schema for the value at key `k` of an object described by `s`. */
function fieldSchema(s: Schema, k: string): Schema | undefined {
  const prop = propertySchema(s, k);
  if (prop) return prop;
  const additional = additionalOf(s);
  return typeof additional === 'object' ? additional : undefined;
}

function dropDisallowedNulls(x: unknown, s: Schema | undefined, root = false): void {
  if (Array.isArray(x)) {
    const items = s ? itemsOf(s) : undefined;
    for (const item of x) dropDisallowedNulls(item, items);
    return;
  }
  if (!isPlainObject(x)) return;
  for (const [k, v] of Object.entries(x)) {
    if (root && ROOT_META.has(k)) continue;
    const sub = s ? fieldSchema(s, k) : undefined;
    if (disallowedNull(v, sub) && !hasDefault(sub)) delete x[k];
    else dropDisallowedNulls(v, sub);
  }
}

function applyDefaults(x: unknown, s: Schema, root = false): void {
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    if (!items) return;
    x.forEach((item, i) => {
      if (disallowedNull(item, items) && hasDefault(items)) x[i] = clone(items.default);
      applyDefaults(x[i], items);
    });
    return;
  }
  if (!isPlainObject(x)) return;
  for (const [k, prop] of propertiesOf(s)) {
    if (root && ROOT_META.has(k)) continue;
    if (hasDefault(prop) && (!(k in x) || disallowedNull(x[k], prop))) x[k] = clone(prop.default);
  }
  const additional = additionalOf(s);
  for (const k of Object.keys(x)) {
    if (root && ROOT_META.has(k)) continue;
    const prop = propertySchema(s, k);
    if (prop) {
      applyDefaults(x[k], prop);
    } else if (typeof additional === 'object') {
      if (disallowedNull(x[k], additional) && hasDefault(additional)) x[k] = clone(additional.default);
      applyDefaults(x[k], additional);
    }
  }
}
