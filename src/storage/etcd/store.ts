// The Store on etcd v3: etcd's own revisions are the store's revisions, each write is one Txn
// guarded by the key's create or mod revision, and watches are etcd watches with previous values.
// Several k8ts servers may share one etcd; everything here is safe with concurrent writers.
import type { StoreLogger } from '../sqlite/index.js';
import {
  FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionCompactedError, RevisionConflictError,
} from '../types.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent } from '../types.js';
import { EtcdClient } from './client.js';
import type { EtcdTlsFiles } from './client.js';
import { CompactionRecord } from './compact.js';
import { errorText, isCompactedError, isFutureError } from './errors.js';
import { KeySpace } from './keys.js';
import { CompareResult, CompareTarget } from './proto.js';
import type { PbCompare, PbKeyValue, PbRangeRequest, PbRangeResponse, PbRequestOp, PbTxnResponse } from './proto.js';
import { WatchFeed } from './watch.js';

export interface EtcdStoreOptions extends EtcdTlsFiles {
  /** Members as host:port, http://host:port or https://host:port. */
  endpoints: readonly string[];
  /** Prepended to every store key, so several stores can share one etcd keyspace. */
  keyPrefix?: string;
  /**
   * Where servers sharing this etcd record the compacted revision (kube-apiserver's key by
   * default). Compaction is etcd-wide, so this is outside keyPrefix.
   */
  compactKey?: string;
  /** Deadline of one operation, retries on other members included (default 30 s). */
  requestTimeoutMs?: number;
  /** How long openEtcdStore waits for a first answer (default 20 s). */
  dialTimeoutMs?: number;
  logger?: StoreLogger;
}

export const DEFAULT_COMPACT_KEY = 'compact_rev_key';

export class EtcdStore implements Store {
  readonly name = 'etcd';
  private readonly keys: KeySpace;
  private readonly compaction: CompactionRecord;
  private readonly feeds = new Set<WatchFeed>();
  private readonly logger: StoreLogger | undefined;
  private closed = false;

  constructor(private readonly client: EtcdClient, opts: EtcdStoreOptions) {
    this.logger = opts.logger;
    this.keys = new KeySpace(opts.keyPrefix ?? '');
    this.compaction = new CompactionRecord(client, Buffer.from(opts.compactKey ?? DEFAULT_COMPACT_KEY, 'utf8'), opts.logger);
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const rev = this.readRevision(revision);
    const res = await this.range({ key: this.keys.key(key), revision: rev }, rev);
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.keys.keyValue(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const rev = this.readRevision(opts.revision);
    const range = this.keys.rangeAfter(prefix, opts.startAfter);
    if (range === undefined) {
      return { items: [], revision: rev || await this.currentRevision(), more: false, remaining: 0 };
    }
    const res = await this.range({ ...range, limit: opts.limit ?? 0, revision: rev }, rev);
    const items = res.kvs.map((kv) => this.keys.keyValue(kv));
    // etcd's count is the whole range at the read revision, whatever the limit.
    const remaining = res.more ? res.count - items.length : 0;
    return { items, revision: rev || res.header.revision, more: res.more, remaining };
  }

  async count(prefix: string): Promise<number> {
    return (await this.range({ ...this.keys.range(prefix), count_only: true }, 0)).count;
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    const k = this.keys.key(key);
    const v = Buffer.from(value);
    const res = await this.txn(
      [{ key: k, target: CompareTarget.CREATE, result: CompareResult.EQUAL, create_revision: 0 }],
      [{ request_put: { key: k, value: v } }],
      [],
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const rev = res.header.revision;
    return { key, value: v, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    const k = this.keys.key(key);
    const v = Buffer.from(value);
    const res = await this.txn(
      [...exists(k), { key: k, target: CompareTarget.MOD, result: CompareResult.EQUAL, mod_revision: expectedRevision }],
      [{ request_put: { key: k, value: v, prev_kv: true } }],
      [{ request_range: { key: k } }],
    );
    if (!res.succeeded) throw this.writeRefused(key, res);
    const prev = res.responses[0]?.response_put?.prev_kv;
    if (!prev) throw new Error(`etcd: update of ${key} returned no previous value`);
    return { key, value: v, createRevision: prev.create_revision, modRevision: res.header.revision };
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    const k = this.keys.key(key);
    const guard: PbCompare[] = expectedRevision === undefined ? exists(k)
      : [...exists(k), { key: k, target: CompareTarget.MOD, result: CompareResult.EQUAL, mod_revision: expectedRevision }];
    const res = await this.txn(
      guard,
      [{ request_delete_range: { key: k, prev_kv: true } }],
      [{ request_range: { key: k } }],
    );
    if (!res.succeeded) throw this.writeRefused(key, res);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (prev === undefined) throw new Error(`etcd: delete of ${key} returned no previous value`);
    return { key, value: prev.value, createRevision: prev.create_revision, modRevision: res.header.revision };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return this.events(prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    // A linearizable read of one key: its header carries the cluster's current revision.
    const res = await this.client.call<PbRangeResponse>('Range', { key: this.compaction.key, count_only: true }, 'read');
    return res.header.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    await this.compaction.compact(revision);
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compaction.read();
  }

  /** Ends every watch and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const feed of this.feeds) feed.close();
    this.feeds.clear();
    this.client.close();
  }

  private async *events(prefix: string, afterRevision: number, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    if (signal.aborted || this.closed) return;
    // etcd still replays from a start revision equal to its compacted one, which has lost that
    // revision's deletes, so the recorded compacted revision is checked first.
    const compacted = await this.compaction.read();
    if (afterRevision < compacted) throw new RevisionCompactedError(afterRevision, compacted);
    if (signal.aborted || this.closed) return;
    const feed = new WatchFeed({
      client: this.client,
      keys: this.keys,
      logger: this.logger,
      learnCompacted: (rev) => this.compaction.learn(rev),
    }, this.keys.range(prefix), afterRevision, signal);
    this.feeds.add(feed);
    try {
      for (;;) {
        const ev = await feed.next();
        if (ev === undefined) return;
        yield ev;
      }
    } finally {
      feed.close();
      this.feeds.delete(feed);
    }
  }

  private async txn(compare: PbCompare[], success: PbRequestOp[], failure: PbRequestOp[]): Promise<PbTxnResponse> {
    this.assertOpen();
    try {
      return await this.client.call<PbTxnResponse>('Txn', { compare, success, failure }, 'write');
    } catch (e) {
      // e.g. "request is too large" (etcd's --max-request-bytes, 1.5 MiB by default), or a write
      // whose outcome is unknown because its member failed.
      throw new Error(`etcd: ${errorText(e)}`, { cause: e });
    }
  }

  /** Why a guarded update/delete did not happen, from the key as the failed txn read it. */
  private writeRefused(key: string, res: PbTxnResponse): Error {
    const cur: PbKeyValue | undefined = res.responses[0]?.response_range?.kvs[0];
    return cur === undefined ? new KeyNotFoundError(key) : new RevisionConflictError(key, this.keys.keyValue(cur));
  }

  private async range(req: PbRangeRequest, revision: number): Promise<PbRangeResponse> {
    this.assertOpen();
    try {
      return await this.client.call<PbRangeResponse>('Range', req, 'read');
    } catch (e) {
      if (revision > 0 && isCompactedError(e)) {
        // Compacted by someone who did not record it: all we know is that it is past `revision`.
        const known = await this.compaction.read().catch(() => 0);
        this.compaction.learn(Math.max(known, revision + 1));
        throw new RevisionCompactedError(revision, Math.max(known, revision + 1));
      }
      if (revision > 0 && isFutureError(e)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw new Error(`etcd: ${errorText(e)}`, { cause: e });
    }
  }

  /** 0 = current; a revision below the compacted one we know of fails here, as in SQLite. */
  private readRevision(revision: number | undefined): number {
    this.assertOpen();
    if (revision === undefined || revision <= 0) return 0;
    const compacted = this.compaction.known;
    if (revision < compacted) throw new RevisionCompactedError(revision, compacted);
    return revision;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('etcd store is closed');
  }
}

/** The key exists (a missing key's version is 0). */
function exists(key: Buffer): PbCompare[] {
  return [{ key, target: CompareTarget.VERSION, result: CompareResult.GREATER, version: 0 }];
}

/** Connects to etcd and checks that it answers. */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const client = new EtcdClient({
    endpoints: opts.endpoints,
    tls: { caFile: opts.caFile, certFile: opts.certFile, keyFile: opts.keyFile },
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    logger: opts.logger,
  });
  const store = new EtcdStore(client, opts);
  try {
    await client.ready(Date.now() + (opts.dialTimeoutMs ?? 20_000));
    const compacted = await store.compactedRevision();
    opts.logger?.info({ endpoints: client.endpoints, compacted }, 'etcd: connected');
    return store;
  } catch (e) {
    await store.close();
    throw e;
  }
}
