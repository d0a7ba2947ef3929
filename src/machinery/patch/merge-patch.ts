// JSON merge patch (RFC 7386) as kube-apiserver applies it (evanphx/json-patch MergePatch):
// members set to null are removed, objects merge recursively, anything else (arrays included)
// replaces the target. Null members inside a value that lands where there was no object are
// dropped too, also inside the objects of an array, as evanphx/json-patch does.
import { clone } from '../deep-equal.js';
import { isPlainObject } from '../object.js';

type Obj = Record<string, unknown>;

/** A copy of `v` without null object members, at any depth (pruneNulls). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : pruneNulls(x)));
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
  return out;
}

function mergeInto(target: Obj, patch: Obj): Obj {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete target[k];
      continue;
    }
    const cur = target[k];
    if (isPlainObject(cur) && isPlainObject(pv)) target[k] = mergeInto(cur, pv);
    else if (isPlainObject(cur)) target[k] = clone(pv); // an array replacing an object: kept as sent
    else target[k] = pruneNulls(pv);
  }
  return target;
}

/**
 * The result of applying a JSON merge patch to `doc`; neither argument is changed. A patch that
 * is not an object replaces the document, as RFC 7386 says.
 */
export function applyMergePatch<T>(doc: T, patch: unknown): T {
  if (!isPlainObject(patch)) return clone(patch) as T;
  const base = isPlainObject(doc) ? clone(doc) : {};
  return mergeInto(base, patch) as T;
}
