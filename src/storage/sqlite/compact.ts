// Compaction: forget history before a revision while keeping every state at or after it readable.
// A row is garbage once a newer row of the same key exists at or before the target: that newer
// row's prev_rev names it (kine compacts the same way). Delete rows at or before the target go
// too: the key is absent from then on, and the rows before them are garbage by the first rule.
// Rows are removed in revision chunks, one short transaction each, yielding to the event loop
// between chunks so serving never stalls for long.

import type Database from 'better-sqlite3';

/** Revisions handled per transaction. */
export const COMPACT_CHUNK = 2000;

export class Compactor {
  private readonly deleteSuperseded: Database.Statement;
  private readonly deleteTombstones: Database.Statement;
  private readonly setCompactRev: Database.Statement;
  private readonly chunk: Database.Transaction<(from: number, to: number) => number>;

  constructor(db: Database.Database) {
    this.deleteSuperseded = db.prepare(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev IS NOT NULL)',
    );
    this.deleteTombstones = db.prepare('DELETE FROM log WHERE deleted = 1 AND rev > ? AND rev <= ?');
    this.setCompactRev = db.prepare("UPDATE meta SET value = ? WHERE name = 'compact_rev'");
    this.chunk = db.transaction((from: number, to: number): number => {
      // Superseded rows first: a delete row's prev_rev is read before the delete row goes.
      const superseded = this.deleteSuperseded.run(from, to).changes;
      const tombstones = this.deleteTombstones.run(from, to).changes;
      this.setCompactRev.run(to);
      return superseded + tombstones;
    });
  }

  /**
   * Compacts (from, to] in chunks. `onChunk` records each new compacted revision (so reads see a
   * consistent floor even mid-way); `stop` is polled between chunks. Returns rows removed.
   */
  async run(from: number, to: number, onChunk: (compacted: number) => void, stop: () => boolean): Promise<number> {
    let removed = 0;
    let at = from;
    while (at < to && !stop()) {
      const next = Math.min(to, at + COMPACT_CHUNK);
      removed += this.chunk.immediate(at, next);
      onChunk(next);
      at = next;
      if (at < to) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return removed;
  }
}
