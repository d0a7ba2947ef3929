// The SQLite layout (kine's log-structured idea, adapted):
// - `log` is the revision log: one row per write, its primary key the global revision. A delete row
//   keeps the key's last value so DELETE events carry the object (kube needs it for watchers).
//   `prev_rev` points at the row holding the key's previous value (null on create); compaction
//   follows it to find superseded rows. https://github.com/k3s-io/kine/blob/master/pkg/logstructured/sqllog/sql.go
// - `current` maps each live key to its log row, so current reads never scan history and values
//   are stored once. Deleted keys are absent.
// - `meta` holds the current revision (compaction may remove the newest log row, a delete, so the
//   counter cannot be derived from the log alone) and the compacted revision.

import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/**
 * The revision of a brand new store. Like etcd, a new store is at revision 1 and its first write
 * gets revision 2, so a list never reports resourceVersion "0", which means "any" to kube clients.
 */
export const INITIAL_REVISION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS log (
  rev INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER,
  deleted INTEGER NOT NULL,
  value BLOB
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  rev INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export type MetaName = 'rev' | 'compact_rev' | 'schema_version';

/**
 * Durability settings. WAL with synchronous=FULL fsyncs the WAL at every commit, so a committed
 * transaction survives power loss. EXCLUSIVE locking keeps a second process (another server on the
 * same data dir) out: the revision counter lives in this process and two writers would fork it.
 */
export function configure(db: Database.Database, inMemory: boolean): void {
  if (!inMemory) {
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`sqlite: could not enable WAL (got ${String(mode)})`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}

export interface StoredState {
  readonly revision: number;
  readonly compactRevision: number;
}

/** Creates the tables if needed and reads the revision counters. */
export function initSchema(db: Database.Database): StoredState {
  db.exec(DDL);
  const seed = db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)');
  db.transaction(() => {
    seed.run('rev', INITIAL_REVISION);
    seed.run('compact_rev', 0);
    seed.run('schema_version', SCHEMA_VERSION);
  }).immediate();
  const version = readMeta(db, 'schema_version');
  if (version > SCHEMA_VERSION) {
    throw new Error(`sqlite: database schema version ${version} is newer than this program's (${SCHEMA_VERSION})`);
  }
  const maxRow = db.prepare('SELECT max(rev) AS rev FROM log').get() as { rev: number | null } | undefined;
  return {
    revision: Math.max(readMeta(db, 'rev'), maxRow?.rev ?? 0),
    compactRevision: readMeta(db, 'compact_rev'),
  };
}

function readMeta(db: Database.Database, name: MetaName): number {
  const row = db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: number } | undefined;
  if (row === undefined) throw new Error(`sqlite: meta row ${name} missing`);
  return row.value;
}
