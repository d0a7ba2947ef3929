// Uniqueness of x-kubernetes-list-type=set and =map lists in custom resources
// (apiextensions-apiserver pkg/apiserver/schema/listtype/validation.go). Paths are field.Path
// strings: properties `a.b`, map entries `a[key]`, items `a[0]`.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import { isPlainObject } from '../../machinery/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { Schema } from './types.js';
import { additionalOf, itemsOf, propertySchema, stringList } from './types.js';

/** Duplicate items of set lists and duplicate keys of map lists anywhere in `obj`. */
export function validateListTypes(obj: unknown, schema: Schema, basePath = ''): FieldError[] {
  const errs: FieldError[] = [];
  walk(obj, schema, basePath, errs);
  return errs;
}

function walk(x: unknown, s: Schema, path: string, errs: FieldError[]): void {
  if (Array.isArray(x)) {
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set') errs.push(...duplicateItems(x, path));
    else if (listType === 'map') errs.push(...duplicateKeys(x, stringList(s['x-kubernetes-list-map-keys']), path));
    const items = itemsOf(s);
    if (items) x.forEach((item, i) => walk(item, items, `${path}[${i}]`, errs));
    return;
  }
  if (!isPlainObject(x)) return;
  const additional = additionalOf(s);
  for (const [k, v] of Object.entries(x)) {
    const prop = propertySchema(s, k);
    if (prop) walk(v, prop, path ? `${path}.${k}` : k, errs);
    else if (typeof additional === 'object') walk(v, additional, `${path}[${k}]`, errs);
  }
}

function duplicateItems(list: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((item, i) => {
    if (list.slice(0, i).some((earlier) => deepEqual(earlier, item))) errs.push(field.duplicate(`${path}[${i}]`, item));
  });
  return errs;
}

function duplicateKeys(list: unknown[], keys: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen: Array<Record<string, unknown>> = [];
  list.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const key: Record<string, unknown> = {};
    for (const k of keys) if (k in item) key[k] = item[k];
    if (seen.some((earlier) => deepEqual(earlier, key))) errs.push(field.duplicate(`${path}[${i}]`, key));
    else seen.push(key);
  });
  return errs;
}
