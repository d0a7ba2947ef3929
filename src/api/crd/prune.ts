// Pruning of fields a structural schema does not declare, in place, as kube-apiserver does when it
// decodes a custom resource (apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go).
// The pruned paths let the server reject the request under fieldValidation=Strict or warn under
// Warn, with kube's wording `unknown field "spec.foo"`.
//
// Rules: a field not in `properties` is dropped unless the object has additionalProperties (its
// values are pruned by that schema; `true` keeps them as they are) or
// x-kubernetes-preserve-unknown-fields (unknown fields stay, declared ones are still pruned). An
// object without any schema loses all its fields. apiVersion, kind and metadata stay at the root
// and in x-kubernetes-embedded-resource objects; metadata is reduced to ObjectMeta by the registry.
import { isPlainObject } from '../../machinery/object.js';
import type { Schema } from './types.js';
import { additionalOf, flag, itemsOf, propertySchema } from './types.js';

const META = new Set(['apiVersion', 'kind', 'metadata']);

/** Removes undeclared fields from `obj` in place; returns their paths (`spec.foo`, `spec.list[0].bar`). */
export function pruneBySchema(obj: unknown, schema: Schema | undefined): string[] {
  const pruned: string[] = [];
  // The resource root is treated as an embedded resource (PruneWithOptions isResourceRoot).
  const root: Schema = { ...(schema ?? {}), 'x-kubernetes-embedded-resource': true };
  prune(obj, root, '', pruned);
  return pruned;
}

/** The message kube-apiserver uses for a pruned field in warnings and Strict errors. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function keepsMeta(s: Schema, key: string, value: unknown): boolean {
  if (!flag(s, 'x-kubernetes-embedded-resource') || !META.has(key)) return false;
  return key === 'metadata' ? isPlainObject(value) : typeof value === 'string';
}

function prune(x: unknown, s: Schema | undefined, path: string, pruned: string[]): void {
  if (s && flag(s, 'x-kubernetes-preserve-unknown-fields')) {
    pruneKnown(x, s, path, pruned);
    return;
  }
  if (Array.isArray(x)) {
    const items = s ? itemsOf(s) : undefined;
    x.forEach((item, i) => prune(item, items, `${path}[${i}]`, pruned));
    return;
  }
  if (!isPlainObject(x)) return;
  const additional = s ? additionalOf(s) : undefined;
  for (const [k, v] of Object.entries(x)) {
    if (s && keepsMeta(s, k, v)) continue;
    const prop = s ? propertySchema(s, k) : undefined;
    if (prop) prune(v, prop, join(path, k), pruned);
    else if (typeof additional === 'object') prune(v, additional, join(path, k), pruned);
    else if (additional === true) continue;
    else {
      pruned.push(join(path, k));
      delete x[k];
    }
  }
}

/** Under x-kubernetes-preserve-unknown-fields: unknown fields stay, declared ones are pruned by their schema. */
function pruneKnown(x: unknown, s: Schema, path: string, pruned: string[]): void {
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    if (items) x.forEach((item, i) => pruneKnown(item, items, `${path}[${i}]`, pruned));
    return;
  }
  if (!isPlainObject(x)) return;
  const additional = additionalOf(s);
  for (const [k, v] of Object.entries(x)) {
    if (keepsMeta(s, k, v)) continue;
    const prop = propertySchema(s, k);
    if (prop) prune(v, prop, join(path, k), pruned);
    else if (typeof additional === 'object') prune(v, additional, join(path, k), pruned);
  }
}
