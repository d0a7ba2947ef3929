// The SQLite Store: kine's log-structured design on an embedded, synchronous database
// (better-sqlite3). Reads run straight on the connection; writes go through group commit; watchers
// replay the log and then follow an in-process fan-out of committed events.
// https://github.com/k3s-io/kine/tree/master/pkg/logstructured

import Database from 'better-sqlite3';
import {
  FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionCompactedError, RevisionConflictError,
} from '../types.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent } from '../types.js';
import { Compactor } from './compact.js';
import { GroupCommit } from './group-commit.js';
import type { OpOutcome } from './group-commit.js';
import { LogReader, toKeyValue } from './reads.js';
import { configure, initSchema } from './schema.js';
import { WatchHub } from './watch-hub.js';

/** The subset of a pino logger the store uses. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
  logger?: StoreLogger;
  /** Events a watcher may lag behind before it is ended with WatchOverflowError (default 10,000). */
  maxWatchBuffer?: number;
  /** Most writes committed in one transaction (default 1000). */
  maxBatch?: number;
}

type WriteOp =
  | { readonly kind: 'create'; readonly key: string; readonly value: Buffer }
  | { readonly kind: 'update'; readonly key: string; readonly value: Buffer; readonly expected: number }
  | { readonly kind: 'delete'; readonly key: string; readonly expected: number | undefined };

/** Events are read page by page while a watcher replays history. */
const REPLAY_PAGE = 500;

/**
 * The Store on SQLite. A new store is at revision INITIAL_REVISION (1, as etcd) and its first write
 * gets 2; a reopened file continues from its last revision. Values handed out (get, list, events)
 * are shared between callers and watchers: treat them as read-only.
 */
export class SqliteStore implements Store {
  readonly name = 'sqlite';
  private revision: number;
  private compactRevision: number;
  private closed = false;
  private compaction: Promise<void> = Promise.resolve();
  private readonly reads: LogReader;
  private readonly hub: WatchHub;
  private readonly writes: GroupCommit<WriteOp, WatchEvent>;
  private readonly compactor: Compactor;
  private readonly commitBatch: (ops: readonly WriteOp[]) => OpOutcome<WatchEvent>[];
  private readonly insertLog: Database.Statement;
  private readonly upsertCurrent: Database.Statement;
  private readonly deleteCurrent: Database.Statement;
  private readonly setRevision: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly opts: SqliteStoreOptions) {
    configure(db, opts.path === ':memory:');
    const state = initSchema(db);
    this.revision = state.revision;
    this.compactRevision = state.compactRevision;
    this.reads = new LogReader(db);
    this.hub = new WatchHub(opts.maxWatchBuffer ?? 10_000);
    this.compactor = new Compactor(db);
    this.insertLog = db.prepare(
      'INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertCurrent = db.prepare(
      'INSERT INTO current (key, rev) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET rev = excluded.rev',
    );
    this.deleteCurrent = db.prepare('DELETE FROM current WHERE key = ?');
    this.setRevision = db.prepare("UPDATE meta SET value = ? WHERE name = 'rev'");
    const tx = db.transaction((ops: readonly WriteOp[]) => {
      const outcomes = ops.map((op) => this.apply(op));
      this.setRevision.run(this.revision);
      return outcomes;
    });
    this.commitBatch = (ops) => {
      const before = this.revision;
      try {
        return tx.immediate(ops);
      } catch (e) {
        this.revision = before; // rolled back: the revisions handed out were never committed
        this.opts.logger?.error({ err: e, writes: ops.length }, 'sqlite: write batch failed');
        throw e;
      }
    };
    this.writes = new GroupCommit<WriteOp, WatchEvent>({
      commit: (ops) => this.commitBatch(ops),
      committed: (outcomes) => this.hub.publish(outcomes.flatMap((o) => (o.ok ? [o.value] : []))),
      maxBatch: opts.maxBatch ?? 1000,
    });
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const rev = this.readRevision(revision);
    if (rev === undefined) {
      const row = this.reads.current(key);
      return row === undefined ? undefined : toKeyValue(row);
    }
    return this.reads.at(key, rev);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const rev = this.readRevision(opts.revision);
    const page = this.reads.list(prefix, rev, opts.limit ?? 0, opts.startAfter);
    return { ...page, revision: rev ?? this.revision };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.reads.count(prefix);
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    return (await this.write({ kind: 'create', key, value: Buffer.from(value) })).kv;
  }

  async update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    return (await this.write({ kind: 'update', key, value: Buffer.from(value), expected: expectedRevision })).kv;
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return (await this.write({ kind: 'delete', key, expected: expectedRevision })).kv;
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return this.events(prefix, afterRevision, signal);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const run = this.compaction.then(() => this.compactTo(revision));
    this.compaction = run.catch(() => undefined);
    return run;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compactRevision;
  }

  /** Commits queued writes, ends every watch, waits for a running compaction, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writes.flushAll();
    this.closed = true;
    this.hub.endAll();
    await this.compaction;
    this.db.close();
  }

  private write(op: WriteOp): Promise<WatchEvent> {
    if (this.closed) return Promise.reject(new Error('sqlite store is closed'));
    return this.writes.submit(op);
  }

  /**
   * Applies one write inside the batch transaction. Checks see earlier writes of the same batch
   * (same connection, same transaction). A failed check writes nothing and takes no revision.
   */
  private apply(op: WriteOp): OpOutcome<WatchEvent> {
    const cur = this.reads.current(op.key);
    if (op.kind === 'create') {
      if (cur !== undefined) return { ok: false, error: new KeyExistsError(op.key) };
      const rev = ++this.revision;
      this.insertLog.run(rev, op.key, rev, null, 0, op.value);
      this.upsertCurrent.run(op.key, rev);
      return { ok: true, value: { type: 'create', kv: { key: op.key, value: op.value, createRevision: rev, modRevision: rev } } };
    }
    if (cur === undefined) return { ok: false, error: new KeyNotFoundError(op.key) };
    const prev = toKeyValue(cur);
    if (op.expected !== undefined && op.expected !== cur.rev) {
      return { ok: false, error: new RevisionConflictError(op.key, prev) };
    }
    const rev = ++this.revision;
    if (op.kind === 'update') {
      this.insertLog.run(rev, op.key, cur.create_rev, cur.rev, 0, op.value);
      this.upsertCurrent.run(op.key, rev);
      const kv = { key: op.key, value: op.value, createRevision: cur.create_rev, modRevision: rev };
      return { ok: true, value: { type: 'update', kv, prev } };
    }
    // The delete row keeps the last value so DELETE events (and compaction-safe replays) carry it.
    this.insertLog.run(rev, op.key, cur.create_rev, cur.rev, 1, prev.value);
    this.deleteCurrent.run(op.key);
    const kv = { key: op.key, value: prev.value, createRevision: cur.create_rev, modRevision: rev };
    return { ok: true, value: { type: 'delete', kv, prev } };
  }

  /** undefined = current; otherwise a revision that is neither compacted nor in the future. */
  private readRevision(revision: number | undefined): number | undefined {
    if (revision === undefined || revision === 0) return undefined;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    if (revision < this.compactRevision) throw new RevisionCompactedError(revision, this.compactRevision);
    return revision;
  }

  /**
   * Replay then follow, without gap or duplicate: the subscription is registered in the same
   * synchronous step that reads the committed revision `until`, and events are published
   * synchronously at commit, so every event after `until` reaches the subscription and every
   * event up to `until` is in the log. Compaction racing a long replay ends it with
   * RevisionCompactedError rather than skipping events.
   */
  private async *events(prefix: string, afterRevision: number, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    if (signal.aborted || this.closed) return;
    if (afterRevision < this.compactRevision) throw new RevisionCompactedError(afterRevision, this.compactRevision);
    const until = this.revision;
    const sub = this.hub.subscribe(prefix, afterRevision, signal);
    try {
      let at = afterRevision;
      while (at < until) {
        if (signal.aborted || this.closed) return;
        if (at < this.compactRevision) throw new RevisionCompactedError(at, this.compactRevision);
        const page = this.reads.history(prefix, at, until, REPLAY_PAGE);
        for (const ev of page) {
          yield ev;
          if (signal.aborted) return;
        }
        const last = page[page.length - 1];
        if (last === undefined || page.length < REPLAY_PAGE) break;
        at = last.kv.modRevision;
      }
      for (;;) {
        const ev = await sub.next();
        if (ev === undefined) return;
        yield ev;
      }
    } finally {
      sub.close();
    }
  }

  private async compactTo(revision: number): Promise<void> {
    if (this.closed) return;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    if (revision <= this.compactRevision) return;
    const from = this.compactRevision;
    const started = Date.now();
    const removed = await this.compactor.run(
      from, revision, (compacted) => { this.compactRevision = compacted; }, () => this.closed,
    );
    this.opts.logger?.info({ from, to: revision, removed, ms: Date.now() - started }, 'sqlite: compacted');
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('sqlite store is closed');
  }
}

/** Opens (creating if needed) a SQLite store at `opts.path` (':memory:' for a throwaway one). */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const db = new Database(opts.path);
  try {
    return new SqliteStore(db, opts);
  } catch (e) {
    db.close();
    throw e;
  }
}
