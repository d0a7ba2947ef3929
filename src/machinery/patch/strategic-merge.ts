// Strategic merge patch, server side (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go
// StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls, as kube-apiserver's
// handlers/patch.go calls it). Lists tagged patchStrategy "merge" merge by their patchMergeKey
// (lists of scalars become a set union); other lists are replaced; maps merge; null deletes.
// Directives: `$patch: replace|delete` in maps, `$patch: replace|delete` elements in merging lists,
// `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`. A node the schema
// does not describe behaves as in a JSON merge patch.
//
// Element order follows kube: items named in the patch keep the patch's order (or the one
// `$setElementOrder` gives), items only on the server keep theirs, and the two are interleaved by
// their places in the live list; an item new to the list comes before the server-only items that
// follow it, which is why kubectl apply always sends `$setElementOrder`.
//
// One deliberate difference: a value the patch adds where there was nothing (and a replaced list
// or map) has its directives and null members removed, instead of being stored with them, which in
// kube only the typed decoding after the patch would clean up.
import { badRequest } from '../errors.js';
import { clone } from '../deep-equal.js';
import { isPlainObject } from '../object.js';
import type { PatchSchema } from './types.js';
import { goFormat, goTypeName, patchNotApplied, rawServerError } from './patch-errors.js';

type Obj = Record<string, unknown>;
type Kind = 'map' | 'scalar';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';
const MAP_TYPE = 'map[string]interface {}';
const LIST_TYPE = '[]interface {}';

// ---- errors, with kube's messages and codes (mergepatch/errors.go, interpretStrategicMergePatchError) ----

const errNoMergeKey = (m: unknown, key: string) => rawServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => rawServerError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const goS = (v: unknown): string => (typeof v === 'string' ? v : `%!s(${goTypeName(v)}=${goFormat(v)})`);
const errBadPatchType = (t: unknown, m: Obj) => rawServerError(`unknown patch type: ${goS(t)} in map: ${goFormat(m)}`);

const hasOwn = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

// ---- schema lookups ----

interface FieldMeta {
  readonly schema: PatchSchema | undefined;
  readonly strategy: string; // 'merge', 'replace' or ''
  readonly mergeKey: string;
}

function fieldMeta(parent: PatchSchema | undefined, key: string): FieldMeta {
  const node = parent && (parent.type === 'object' || parent.type === 'map') ? parent.field(key) : undefined;
  // "retainKeys" only tells clients to send $retainKeys; the server applies whatever the patch says.
  const strategy = (node?.patchStrategy ?? '').split(',').map((s) => s.trim()).find((s) => s !== '' && s !== 'retainKeys') ?? '';
  return { schema: node, strategy, mergeKey: node?.patchMergeKey ?? '' };
}

/** `$setElementOrder/containers` → `containers`; a malformed key is 400 as in kube. */
function extractKey(key: string, prefix: string): string {
  const cut = key.indexOf('/');
  if (cut < 0 || key.slice(0, cut) !== prefix) {
    throw badRequest(prefix === DELETE_FROM_PRIMITIVE_LIST ? 'invalid patch format of primitive list' : 'invalid patch format of setElementOrder list');
  }
  return key.slice(cut + 1);
}

/**
 * A value the patch adds as is: without directives and without null members (what kube's
 * discardNullValuesFromPatch and its later typed decoding leave of it).
 */
function fresh(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && hasOwn(x, DIRECTIVE))).map(fresh);
  if (!isPlainObject(v)) return v;
  if (v[DIRECTIVE] === 'delete') return {};
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    out[k] = fresh(x);
  }
  return out;
}

// ---- maps ----

function mergeMap(original: Obj, patch: Obj, schema: PatchSchema | undefined): Obj {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive !== 'replace') throw errBadPatchType(directive, patch);
    delete patch[DIRECTIVE];
    return fresh(patch) as Obj;
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);
  for (const [rawKey, pv] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST) : rawKey;
    if (pv === null) {
      delete original[key];
      continue;
    }
    const cur = original[key];
    const sameShape = hasOwn(original, key) && (isPlainObject(cur) ? isPlainObject(pv) : Array.isArray(cur) === Array.isArray(pv));
    if (!sameShape) {
      if (!isDeleteList) original[key] = fresh(pv);
      continue;
    }
    const meta = fieldMeta(schema, key);
    if (isPlainObject(cur) && isPlainObject(pv)) original[key] = meta.strategy === 'replace' ? fresh(pv) : mergeMap(cur, pv, meta.schema);
    else if (Array.isArray(cur) && Array.isArray(pv)) original[key] = mergeListField(cur, pv, meta, isDeleteList);
    else original[key] = pv;
  }
  return original;
}

/** `$retainKeys`: clear the fields it does not list; the patch may only set listed fields (400 otherwise). */
function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys');
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge that list now and order it as the directive says (mergePatchIntoOriginal). */
function mergeOrderedLists(original: Obj, patch: Obj, schema: PatchSchema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw errBadArgType(LIST_TYPE, order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER);
    const inOriginal = hasOwn(original, key);
    const inPatch = hasOwn(patch, key);
    const origList = original[key];
    const patchList = patch[key];
    if (inOriginal && !Array.isArray(origList)) throw errBadArgType(LIST_TYPE, origList);
    if (inPatch && !Array.isArray(patchList)) throw errBadArgType(LIST_TYPE, patchList);
    const serverOrder = (origList ?? []) as unknown[];
    const patchItemsIn = (patchList ?? []) as unknown[];
    const meta = fieldMeta(schema, key);
    validateAgainstOrder(patchItemsIn, order, meta.mergeKey);
    let merged: unknown[];
    if (inOriginal && inPatch) merged = mergeListField(serverOrder, patchItemsIn, meta, false);
    else if (inOriginal) merged = serverOrder;
    else if (inPatch) merged = fresh(patchItemsIn) as unknown[];
    else continue;
    delete patch[key];
    if (serverOrder.length === 0 && patchItemsIn.length === 0) {
      original[key] = merged;
      continue;
    }
    const kind = elementKind(serverOrder, patchItemsIn);
    if (kind === 'map' && meta.mergeKey === '') {
      original[key] = merged; // no key to order maps by: a replaced list keeps the patch's order
      continue;
    }
    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey, kind);
    original[key] = normalizeOrder(patchItems, serverOnly, order, serverOrder, meta.mergeKey, kind);
  }
}

/** The patch list's items (deletions and directives aside) must appear in `$setElementOrder` in the same order. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletions(patchList)[0] : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < items.length && oi < order.length) {
    const item = items[pi];
    if (isPlainObject(item) && hasOwn(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (sameMergeKey(item, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < items.length && oi >= order.length) {
    throw rawServerError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

function sameMergeKey(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isPlainObject(a)) throw errBadArgType(MAP_TYPE, a);
  if (!isPlainObject(b)) throw errBadArgType(MAP_TYPE, b);
  if (!hasOwn(a, mergeKey)) throw errNoMergeKey(a, mergeKey);
  if (!hasOwn(b, mergeKey)) throw errNoMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

// ---- lists ----

function mergeListField(cur: unknown[], pv: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (meta.strategy !== 'merge' && !isDeleteList) return fresh(pv) as unknown[];
  return mergeSlice(cur, pv, meta, isDeleteList);
}

/** sliceElementType: every element of both lists must have one type, and not be a list. */
function elementKind(original: unknown[], patch: unknown[]): Kind {
  let first: string | undefined;
  for (const v of [...original, ...patch]) {
    const t = goTypeName(v);
    if (first === undefined) {
      first = t;
      if (t === LIST_TYPE) throw patchNotApplied(); // "lists of lists are not supported" → 422
    } else if (t !== first) {
      throw rawServerError(`list element types are not identical: ${goFormat([original, patch])}`);
    }
  }
  if (first === undefined) throw rawServerError('no elements in any of the given slices');
  return first === MAP_TYPE ? 'map' : 'scalar';
}

function mergeSlice(original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const mergeKey = meta.mergeKey;
  if (kind === 'scalar') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    const merged = [...new Set([...original, ...patch])];
    const [patchItems, serverOnly] = partition(merged, patch, '', kind);
    return normalizeOrder(patchItems, serverOnly, patch, original, '', kind);
  }
  if (!mergeKey) throw rawServerError('cannot merge lists without merge key');
  const { base, items } = applyListDirectives(original, patch, mergeKey);
  const merged = [...base];
  for (const v of items) {
    const pm = v as Obj;
    if (!hasOwn(pm, mergeKey)) throw errNoMergeKey(pm, mergeKey);
    const i = indexByKey(merged, mergeKey, pm[mergeKey]);
    if (i >= 0) merged[i] = mergeMap(merged[i] as Obj, pm, meta.schema?.items);
    else merged.push(fresh(pm));
  }
  const [patchItems, serverOnly] = partition(merged, items, mergeKey, kind);
  return normalizeOrder(patchItems, serverOnly, items, base, mergeKey, kind);
}

/** Elements carrying `$patch`: delete removes matching items, replace makes the rest of the patch the list. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): { base: unknown[]; items: unknown[] } {
  const items: unknown[] = [];
  let base = original;
  let replace = false;
  for (const v of patch) {
    const m = v as Obj;
    if (!hasOwn(m, DIRECTIVE)) {
      items.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      base = base.filter((x) => !(isPlainObject(x) && hasOwn(x, mergeKey) && x[mergeKey] === m[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw rawServerError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  return replace ? { base: items.map(fresh), items: [] } : { base, items };
}

/** findMapInSliceBasedOnKeyValue: the index of the item whose merge key has `value`, or -1. */
function indexByKey(list: unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isPlainObject(item)) throw rawServerError(`value for key ${i} is not a map.`);
    if (hasOwn(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

/** Items of `merged` named by `by` (patch items), and the others (server-only items). */
function partition(merged: unknown[], by: unknown[], mergeKey: string, kind: Kind): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    let found: boolean;
    if (kind === 'map' && mergeKey) {
      if (!isPlainObject(v)) throw errBadArgType(MAP_TYPE, v);
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      found = indexByKey(by, mergeKey, v[mergeKey]) >= 0;
    } else {
      found = by.includes(v);
    }
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** The item's identity for ordering: its merge key value, or itself for scalars. */
function identity(v: unknown, mergeKey: string, kind: Kind): unknown {
  return kind === 'map' ? (isPlainObject(v) ? v[mergeKey] : undefined) : v;
}

function positionIn(list: unknown[], v: unknown, mergeKey: string, kind: Kind): number {
  const id = identity(v, mergeKey, kind);
  return list.findIndex((x) => identity(x, mergeKey, kind) === id);
}

/** `$patch: delete` items moved after the others (extractToDeleteItems). */
function splitDeletions(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isPlainObject(v)) throw errBadArgType(MAP_TYPE, v);
    (v[DIRECTIVE] === 'delete' ? del : keep).push(v);
  }
  return [keep, del];
}

/** normalizeSliceOrder: `items` stably sorted by their place in `order`. */
function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let toSort = items;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    for (const v of [...items, ...order]) {
      if (!isPlainObject(v)) throw errBadArgType(MAP_TYPE, v);
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    }
    [toSort, deletions] = splitDeletions(items);
  }
  const ranked = toSort.map((v, i) => ({ v, i, at: positionIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 && a.at !== b.at ? a.at - b.at : a.i - b.i));
  return [...ranked.map((r) => r.v), ...deletions];
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items in server
 * order, interleaved: a server-only item goes first when the live list has it before the next
 * patch item; a patch item new to the live list goes before the remaining server-only items.
 */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = positionIn(serverOrder, left[i], mergeKey, kind);
      const ri = positionIn(serverOrder, right[j], mergeKey, kind);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

/**
 * The result of applying a strategic merge patch to `doc` (neither is changed). `schema` describes
 * the object's type; undefined makes the whole patch behave like a JSON merge patch. Errors are the
 * Status kube-apiserver answers: 400 for a malformed directive, 422 for lists of lists, and 500 with
 * kube's raw message for the rest (e.g. `map: map[image:x] does not contain declared merge key: name`).
 */
export function applyStrategicMergePatch<T>(doc: T, patch: unknown, schema: PatchSchema | undefined): T {
  if (!isPlainObject(patch)) throw badRequest('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
  const original = isPlainObject(doc) ? clone(doc) : {};
  return mergeMap(original, clone(patch), schema) as T;
}
