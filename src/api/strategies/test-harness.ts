// Drives a strategy the way the registry does (defaults, prepare, validate), for this folder's tests.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common.js';

export interface Outcome { obj: KubeObject; errs: FieldError[]; fields: string[] }

/** Scope as the registry knows it from the ResourceDef; tests give it by setting a namespace or not. */
const scopeOf = (o: KubeObject, namespaced?: boolean): boolean => namespaced ?? o.metadata?.namespace !== undefined;

/** Create: default, PrepareForCreate, the registry's ObjectMeta checks, the kind's. The input is not changed. */
export function create(s: KindStrategy, input: KubeObject, namespaced?: boolean): Outcome {
  const obj = structuredClone(input);
  s.default?.(obj);
  s.prepareForCreate?.(obj);
  const errs = [...validateObjectMeta(obj, scopeOf(input, namespaced)), ...(s.validateCreate?.(obj) ?? [])];
  return { obj, errs, fields: errs.map((e) => e.field) };
}

/** Update of a stored object (itself created through `create`). */
export function update(s: KindStrategy, stored: KubeObject, input: KubeObject): Outcome {
  const obj = structuredClone(input);
  s.default?.(obj);
  s.prepareForUpdate?.(obj, stored);
  const errs = [...validateObjectMetaUpdate(obj, stored, scopeOf(stored)), ...(s.validateUpdate?.(obj, stored) ?? [])];
  return { obj, errs, fields: errs.map((e) => e.field) };
}

/** A minimal valid pod template with the given labels. */
export function template(labels: Record<string, string> = { app: 'web' }, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec } };
}

export function meta(name = 'x', namespace: string | undefined = 'default'): Record<string, unknown> {
  return namespace === undefined ? { name, uid: 'uid-1' } : { name, namespace, uid: 'uid-1' };
}

function steps(path: string): Array<string | number> {
  return path.split('.').flatMap((part) => {
    const out: Array<string | number> = [];
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
    return out;
  });
}

/** The value at a dotted path such as `spec.containers[0].image`. */
export function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const s of steps(path)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/** A copy of obj with the value at path replaced (intermediate objects must exist). */
export function withValue<T>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj);
  const all = steps(path);
  const last = all.pop();
  const parent = all.length ? get(copy, all.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '')) : copy;
  if (last === undefined || typeof parent !== 'object' || parent === null) throw new Error(`no parent for ${path}`);
  (parent as Record<string | number, unknown>)[last] = value;
  return copy;
}
