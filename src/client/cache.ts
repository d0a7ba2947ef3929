// The indexed object cache behind an informer (client-go's thread-safe store + indexer).
import type { KubeObject } from '../machinery/object.js';
import { objectKey, type IndexFunc, type Lister } from './types.js';

export const INDEX_NAMESPACE = 'namespace';
export const INDEX_OWNER = 'owner';
export const INDEX_CONTROLLER = 'controller';
export const INDEX_NODE = 'node';

const EMPTY: readonly never[] = Object.freeze([]);

export const builtinIndexes: Record<string, IndexFunc<KubeObject>> = {
  [INDEX_NAMESPACE]: (o) => (o.metadata?.namespace ? [o.metadata.namespace] : EMPTY),
  [INDEX_OWNER]: (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid),
  [INDEX_CONTROLLER]: (o) => {
    const c = (o.metadata?.ownerReferences ?? []).find((r) => r.controller);
    return c ? [c.uid] : EMPTY;
  },
  [INDEX_NODE]: (o) => {
    const n = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
    return typeof n === 'string' && n ? [n] : EMPTY;
  },
};

interface Index<T extends KubeObject> { fn: IndexFunc<T>; byValue: Map<string, Map<string, Readonly<T>>> }

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export class IndexedCache<T extends KubeObject> implements Lister<T> {
  private readonly items = new Map<string, Readonly<T>>();
  private readonly indexes = new Map<string, Index<T>>();
  private listCache: readonly Readonly<T>[] | undefined;

  constructor() {
    for (const [name, fn] of Object.entries(builtinIndexes)) this.addIndex(name, fn as IndexFunc<T>);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    const idx: Index<T> = { fn, byValue: new Map() };
    this.indexes.set(name, idx);
    for (const [key, obj] of this.items) this.indexAdd(idx, key, obj);
  }

  get(key: string): Readonly<T> | undefined { return this.items.get(key); }

  list(): readonly Readonly<T>[] {
    this.listCache ??= Object.freeze([...this.items.values()]);
    return this.listCache;
  }

  keys(): IterableIterator<string> { return this.items.keys(); }

  get size(): number { return this.items.size; }

  byIndex(indexName: string, value: string): readonly Readonly<T>[] {
    const idx = this.indexes.get(indexName);
    if (!idx) throw new Error(`no index "${indexName}"`);
    const m = idx.byValue.get(value);
    return m ? [...m.values()] : EMPTY;
  }

  /** Stores `obj`; returns the previous version. */
  put(obj: Readonly<T>): Readonly<T> | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) for (const idx of this.indexes.values()) this.indexRemove(idx, key, old);
    this.items.set(key, obj);
    for (const idx of this.indexes.values()) this.indexAdd(idx, key, obj);
    this.listCache = undefined;
    return old;
  }

  remove(key: string): Readonly<T> | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    for (const idx of this.indexes.values()) this.indexRemove(idx, key, old);
    this.items.delete(key);
    this.listCache = undefined;
    return old;
  }

  private indexAdd(idx: Index<T>, key: string, obj: Readonly<T>): void {
    for (const v of idx.fn(obj)) {
      let m = idx.byValue.get(v);
      if (!m) idx.byValue.set(v, (m = new Map()));
      m.set(key, obj);
    }
  }

  private indexRemove(idx: Index<T>, key: string, obj: Readonly<T>): void {
    for (const v of idx.fn(obj)) {
      const m = idx.byValue.get(v);
      if (!m) continue;
      m.delete(key);
      if (m.size === 0) idx.byValue.delete(v);
    }
  }
}
