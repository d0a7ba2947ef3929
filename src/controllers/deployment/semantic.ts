// Templates compared the way kube compares the decoded Go structs (apiequality.Semantic): a null
// field, an empty list and an empty map are the same as an absent one. kubectl writes
// `creationTimestamp: null` into templates it sends (`create deployment`, `rollout undo`), so the
// JSON of two equal templates need not be equal.
import { deepEqual } from '../../machinery/deep-equal.js';

/** A copy without nulls, empty lists and empty maps (recursively). */
export function semanticValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(semanticValue);
    return items.length ? items : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const n = semanticValue(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  return deepEqual(semanticValue(a) ?? null, semanticValue(b) ?? null);
}
