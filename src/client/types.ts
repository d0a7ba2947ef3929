// The API client surface every k8ts component uses to reach the API server (DESIGN.md principle 1:
// everything goes through the API). Controllers, the scheduler and nodes depend on these
// interfaces only; `createClient()` implements them over HTTPS, tests may use the same client
// against an in-process server.
import type { KubeObject, KubeList } from '../machinery/object.js';
import type { Clock } from '../machinery/clock.js';

/** Which resource a call addresses. */
export interface ResourceRef {
  readonly group: string;      // '' for core
  readonly version: string;
  readonly resource: string;   // plural
  readonly kind: string;
  readonly namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** For ERROR: a Status object. */
  object: T;
}

export type PatchType = 'json' | 'merge' | 'strategic';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WriteOptions {
  subresource?: string;       // 'status', 'scale', 'binding', 'eviction', ...
  dryRun?: boolean;
  fieldManager?: string;
}

/**
 * A Kubernetes API client. Errors: a non-2xx answer rejects with a StatusError
 * (src/machinery/errors.ts) carrying the server's Status, so callers test `e.code === 404`,
 * `e.reason === 'Conflict'`, etc. Network failures reject with the underlying Error.
 */
export interface ApiClient {
  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, name: string, opts?: { subresource?: string }): Promise<T>;
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, opts?: ListOptions): Promise<KubeList<T>>;
  /** Streams events until the server ends the watch, the signal aborts, or an error (rejects). */
  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<T>;
  /** PUT; `opts.subresource` 'status' writes the status subresource. */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, name: string, patch: unknown, type: PatchType, opts?: WriteOptions): Promise<T>;
  /** Resolves with the server's answer (the object while deletion is pending, or a Status). */
  delete(ref: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  deleteCollection(ref: ResourceRef, namespace: string, opts?: ListOptions & DeleteOptions): Promise<void>;
  /** Any other request (discovery, pods/log, ...): path relative to the server root. */
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }>;
  close(): void;
}

/** Change notifications of an informer. Objects handed out are shared and read-only (frozen). */
export interface InformerHandlers<T extends KubeObject> {
  add?(obj: Readonly<T>): void;
  update?(oldObj: Readonly<T>, newObj: Readonly<T>): void;
  /** `obj` is the last state known; after a relist it can be a tombstone of an object missed while disconnected. */
  delete?(obj: Readonly<T>): void;
}

export type IndexFunc<T extends KubeObject> = (obj: Readonly<T>) => readonly string[];

/** A read-only, indexed view of an informer's cache (client-go Lister + Indexer). Keys are `namespace/name` or `name`. */
export interface Lister<T extends KubeObject> {
  get(key: string): Readonly<T> | undefined;
  list(): readonly Readonly<T>[];
  /** Objects whose index `indexName` yields `value` (indexes by namespace, owner uid, node name, label...). */
  byIndex(indexName: string, value: string): readonly Readonly<T>[];
}

export interface Informer<T extends KubeObject> {
  readonly lister: Lister<T>;
  /** Adds handlers; for objects already in the cache `add` is called at once. */
  on(handlers: InformerHandlers<T>): void;
  addIndex(name: string, fn: IndexFunc<T>): void;
  /** Lists then watches until the signal aborts; relists on 410 Gone or a broken stream, with backoff. */
  start(signal: AbortSignal): void;
  /** Resolves once the first list is in the cache. */
  synced(): Promise<void>;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as an update this often (0: never). */
  resyncMs?: number;
  clock?: Clock;
}

export function objectKey(obj: Readonly<KubeObject>): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ''}` : obj.metadata?.name ?? '';
}

/** Shared informers: one list+watch per (resource, namespace, selectors), shared by every user. */
export interface InformerFactory {
  informerFor<T extends KubeObject>(ref: ResourceRef, opts?: InformerOptions): Informer<T>;
  /** Starts every informer created so far and later. */
  start(signal: AbortSignal): void;
  /** Resolves when every informer created so far has synced. */
  synced(): Promise<void>;
}

/** Records Kubernetes Events (core/v1) about objects, aggregating repeats as kube's recorder does. */
export interface EventRecorder {
  record(obj: Readonly<KubeObject>, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/**
 * A de-duplicating, rate-limited work queue of keys (client-go workqueue). Invariants: a key is
 * never handed to two workers at once; a key added while being processed is processed again after
 * done(); addRateLimited backs off exponentially per key until forget().
 */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  addRateLimited(key: string): void;
  forget(key: string): void;
  /** Next key, waiting if none; undefined once shut down. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  len(): number;
  shutDown(): void;
}
