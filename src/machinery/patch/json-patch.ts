// JSON patch (RFC 6902) as kube-apiserver applies it (handlers/patch.go jsonPatcher with
// evanphx/json-patch): more than 10000 operations is 413; an operation that cannot be applied
// (failed `test`, missing path, bad op) is 422 Invalid with kube's generic message, which does
// not name the operation. applyJsonPatchDetailed throws JsonPatchFailure, which does name it, for
// callers (logs, tests) that want to know.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { tooLarge } from '../errors.js';
import { isPlainObject } from '../object.js';
import { patchNotApplied } from './patch-errors.js';

// fast-json-patch is CommonJS: Node's ESM loader only gives its default export.
const { applyOperation, deepClone, getValueByPointer, JsonPatchError } = jsonpatch;

/** kube's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One RFC 6902 operation as decoded from the request body. */
export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** Why an operation could not be applied: which one, and what went wrong. */
export class JsonPatchFailure extends Error {
  constructor(readonly index: number, readonly operation: unknown, message: string) {
    super(`operation ${index} (${describe(operation)}): ${message}`);
    this.name = 'JsonPatchFailure';
  }
}

function describe(op: unknown): string {
  if (!isPlainObject(op)) return JSON.stringify(op);
  return `${String(op.op)} ${String(op.path)}${op.from !== undefined ? ` from ${String(op.from)}` : ''}`;
}

/** Whether a pointer names an absent member of an object that exists (not an array slot). */
function missingMember(doc: unknown, pointer: string): boolean {
  const cut = pointer.lastIndexOf('/');
  if (cut < 0) return false;
  let parent: unknown;
  try {
    parent = cut === 0 ? doc : getValueByPointer(doc, pointer.slice(0, cut));
  } catch {
    return false;
  }
  const key = pointer.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return isPlainObject(parent) && !Object.prototype.hasOwnProperty.call(parent, key);
}

/**
 * The operation as evanphx/json-patch v4 (kube's) reads it: a missing `value` is null, `replace`
 * of an absent object member adds it, and `test` of an absent member against null passes
 * (returned as undefined: nothing to do).
 */
function asKubeReadsIt(doc: unknown, raw: Record<string, unknown>): Operation | undefined {
  const op = deepClone(raw) as Record<string, unknown>;
  if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) op.value = null;
  const absent = typeof op.path === 'string' && missingMember(doc, op.path);
  if (op.op === 'test' && op.value === null && absent) return undefined;
  if (op.op === 'replace' && absent) op.op = 'add';
  return op as unknown as Operation;
}

/**
 * Apply the operations to a copy of `doc`; throws JsonPatchFailure naming the operation that
 * failed. `doc` and `ops` are not changed.
 */
export function applyJsonPatchDetailed<T>(doc: T, ops: readonly unknown[]): T {
  let current: unknown = deepClone(doc);
  ops.forEach((raw, index) => {
    if (!isPlainObject(raw)) throw new JsonPatchFailure(index, raw, 'an operation must be an object');
    const op = asKubeReadsIt(current, raw);
    if (op === undefined) return;
    try {
      current = applyOperation(current, op, true, true, true, index).newDocument;
    } catch (e) {
      if (e instanceof JsonPatchError) throw new JsonPatchFailure(index, raw, e.message.split('\n')[0] ?? e.name);
      throw e;
    }
  });
  return current as T;
}

/** The patched copy of `doc`, or the Status error kube-apiserver answers (413, 422). */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOperation[] | readonly unknown[]): T {
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  try {
    return applyJsonPatchDetailed(doc, ops);
  } catch (e) {
    if (e instanceof JsonPatchFailure) throw patchNotApplied();
    throw e;
  }
}
