// The store contract (the kine idea): a key/value log ordered by one global revision counter.
// Every write gets the next revision; an object's resourceVersion is the revision of its last write.

/** One key's current (or historical) value. Revisions are positive integers. */
export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  /** Revision of the write that created this key (unchanged by updates). */
  readonly createRevision: number;
  /** Revision of the write that produced this value. */
  readonly modRevision: number;
}

export type WatchEventType = 'create' | 'update' | 'delete';

/** A change, in revision order. For delete, `kv.value` is the last value the key had and
 *  `kv.modRevision` is the revision of the delete itself. */
export interface WatchEvent {
  readonly type: WatchEventType;
  readonly kv: KeyValue;
  /** The value before this change (absent on create). */
  readonly prev?: KeyValue;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent: the current one). Older than the compacted revision: RevisionCompactedError. */
  revision?: number;
  /** At most this many items (0 or absent: all). */
  limit?: number;
  /** Start strictly after this key (for continue tokens). */
  startAfter?: string;
}

export interface ListResult {
  readonly items: KeyValue[];
  /** The revision the list was read at. */
  readonly revision: number;
  /** True when limit cut the list short. */
  readonly more: boolean;
  /** Items left after this page when `more` (counted at the same revision). */
  readonly remaining: number;
}

/**
 * A Kubernetes datastore.
 * - Revisions form one global, strictly increasing counter; each successful write takes the next one.
 * - create() throws KeyExistsError if the key exists; update()/delete() with an expectedRevision
 *   that is not the key's current modRevision throw RevisionConflictError (carrying the current
 *   value), and throw KeyNotFoundError when the key is absent.
 * - A write's promise resolves only once the write is durable (fsynced); a resolved write is
 *   visible to every later get/list and is delivered to every watch that covers it.
 * - watch(prefix, afterRevision) yields every event with revision > afterRevision for keys under
 *   prefix, in revision order, without gaps; afterRevision older than the compacted revision
 *   throws RevisionCompactedError. Iteration ends when the signal aborts.
 */
export interface Store {
  readonly name: string;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  create(key: string, value: Buffer): Promise<KeyValue>;
  update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue>;
  /** Deletes the key; resolves to the deleted value with modRevision set to the delete's revision. */
  delete(key: string, expectedRevision?: number): Promise<KeyValue>;
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent>;
  currentRevision(): Promise<number>;
  /** Forget history before `revision`; current values are kept. */
  compact(revision: number): Promise<void>;
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class StoreError extends Error {}

export class KeyExistsError extends StoreError {
  constructor(readonly key: string) { super(`key exists: ${key}`); this.name = 'KeyExistsError'; }
}

export class KeyNotFoundError extends StoreError {
  constructor(readonly key: string) { super(`key not found: ${key}`); this.name = 'KeyNotFoundError'; }
}

export class RevisionConflictError extends StoreError {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`revision conflict on ${key}: current ${current.modRevision}`);
    this.name = 'RevisionConflictError';
  }
}

/** A watch ended because its consumer fell too far behind (it re-watches from its last revision). */
export class WatchOverflowError extends StoreError {
  constructor(readonly buffered: number) {
    super(`watch ended: consumer fell more than ${buffered} events behind`);
    this.name = 'WatchOverflowError';
  }
}

export class RevisionCompactedError extends StoreError {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = 'RevisionCompactedError';
  }
}

/** A revision the store has not reached yet (list/get at a future revision). */
export class FutureRevisionError extends StoreError {
  constructor(readonly requested: number, readonly current: number) {
    super(`required revision ${requested} is a future revision (current ${current})`);
    this.name = 'FutureRevisionError';
  }
}
