// The read side of the SQLite store: current values through `current`, historical values and the
// event history from `log`. All statements are synchronous (better-sqlite3); callers check the
// requested revision against the compacted and current revisions first.

import type Database from 'better-sqlite3';
import type { KeyValue, WatchEvent } from '../types.js';
import { prefixRange } from './key-range.js';

export interface ValueRow {
  readonly key: string;
  readonly create_rev: number;
  readonly rev: number;
  readonly value: Buffer | null;
}

/** The live value of a key, as stored (used by the write path). */
export type CurrentRow = ValueRow;

interface HistoryRow extends ValueRow {
  readonly deleted: number;
  readonly p_rev: number | null;
  readonly p_create_rev: number | null;
  readonly p_value: Buffer | null;
}

export interface ListPage {
  readonly items: KeyValue[];
  readonly more: boolean;
  readonly remaining: number;
}

export function toKeyValue(row: ValueRow): KeyValue {
  return { key: row.key, value: row.value ?? Buffer.alloc(0), createRevision: row.create_rev, modRevision: row.rev };
}

// Conditions shared by list/count: a key range, optionally unbounded above, optionally after a key.
function keyConditions(column: string, hasEnd: boolean, hasAfter: boolean): string {
  return [`${column} >= @start`, hasEnd ? `${column} < @end` : '', hasAfter ? `${column} > @after` : '']
    .filter((c) => c !== '')
    .join(' AND ');
}

export class LogReader {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** The key's live value, if any. */
  current(key: string): CurrentRow | undefined {
    return this.stmt(
      'SELECT l.key, l.create_rev, l.rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE c.key = ?',
    ).get(key) as CurrentRow | undefined;
  }

  /** The key's value as of `revision` (its newest log row at or before it, unless that is a delete). */
  at(key: string, revision: number): KeyValue | undefined {
    const row = this.stmt(
      'SELECT key, create_rev, rev, value, deleted FROM log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1',
    ).get(key, revision) as (ValueRow & { deleted: number }) | undefined;
    return row === undefined || row.deleted !== 0 ? undefined : toKeyValue(row);
  }

  /**
   * One page of keys under `prefix`, ordered by key. `revision` undefined reads the current state.
   * Fetches limit+1 rows to learn whether more follow; `remaining` is then counted at the same
   * revision (kube's remainingItemCount).
   */
  list(prefix: string, revision: number | undefined, limit: number, startAfter: string | undefined): ListPage {
    const { start, end } = prefixRange(prefix);
    const hasEnd = end !== undefined;
    const params: Record<string, string | number> = { start, limit: limit > 0 ? limit + 1 : -1 };
    if (hasEnd) params['end'] = end;
    const after = startAfter !== undefined && startAfter >= start ? startAfter : undefined;
    if (after !== undefined) params['after'] = after;
    if (revision !== undefined) params['rev'] = revision;

    const rows = this.stmt(this.listSql(revision !== undefined, hasEnd, after !== undefined, false))
      .all(params) as ValueRow[];
    const more = limit > 0 && rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
    let remaining = 0;
    const last = items[items.length - 1];
    if (more && last !== undefined) {
      params['after'] = last.key;
      delete params['limit'];
      const counted = this.stmt(this.listSql(revision !== undefined, hasEnd, true, true)).get(params) as { n: number };
      remaining = counted.n;
    }
    return { items, more, remaining };
  }

  /** Number of live keys under `prefix`. */
  count(prefix: string): number {
    const { start, end } = prefixRange(prefix);
    const params: Record<string, string> = { start };
    if (end !== undefined) params['end'] = end;
    const row = this.stmt(this.listSql(false, end !== undefined, false, true)).get(params) as { n: number };
    return row.n;
  }

  /**
   * Events for keys under `prefix` with after < revision <= until, in revision order, at most
   * `limit`. A delete row holds the last value; `prev` comes from the row `prev_rev` points at.
   */
  history(prefix: string, after: number, until: number, limit: number): WatchEvent[] {
    const { start, end } = prefixRange(prefix);
    const params: Record<string, string | number> = { start, from: after, until, limit };
    if (end !== undefined) params['end'] = end;
    const rows = this.stmt(
      `SELECT l.key, l.create_rev, l.rev, l.value, l.deleted,
              p.rev AS p_rev, p.create_rev AS p_create_rev, p.value AS p_value
         FROM log l LEFT JOIN log p ON p.rev = l.prev_rev
        WHERE l.rev > @from AND l.rev <= @until AND ${keyConditions('l.key', end !== undefined, false)}
        ORDER BY l.rev LIMIT @limit`,
    ).all(params) as HistoryRow[];
    return rows.map(toEvent);
  }

  private listSql(historical: boolean, hasEnd: boolean, hasAfter: boolean, countOnly: boolean): string {
    if (!historical) {
      const where = keyConditions('c.key', hasEnd, hasAfter);
      return countOnly
        ? `SELECT count(*) AS n FROM current c WHERE ${where}`
        : `SELECT l.key, l.create_rev, l.rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE ${where} ORDER BY c.key LIMIT @limit`;
    }
    // Each key's newest row at or before @rev; a delete there means the key did not exist then.
    // With max() the only aggregate, SQLite takes `deleted` from that newest row, so the deleted
    // keys drop out inside the grouping, which walks the (key, rev) index in key order: a page
    // stops after `limit` keys instead of sorting every remaining one.
    const newest = `SELECT key, max(rev) AS rev, deleted FROM log WHERE rev <= @rev AND ${keyConditions('key', hasEnd, hasAfter)} GROUP BY key HAVING deleted = 0`;
    return countOnly
      ? `SELECT count(*) AS n FROM (${newest})`
      : `SELECT l.key, l.create_rev, l.rev, l.value FROM (${newest} ORDER BY key LIMIT @limit) m JOIN log l ON l.rev = m.rev ORDER BY m.key`;
  }
}

function toEvent(row: HistoryRow): WatchEvent {
  const kv = toKeyValue(row);
  const prev: KeyValue | undefined = row.p_rev === null || row.p_create_rev === null
    ? undefined
    : { key: row.key, value: row.p_value ?? Buffer.alloc(0), createRevision: row.p_create_rev, modRevision: row.p_rev };
  if (row.deleted !== 0) return prev === undefined ? { type: 'delete', kv } : { type: 'delete', kv, prev };
  if (row.create_rev === row.rev || prev === undefined) return { type: 'create', kv };
  return { type: 'update', kv, prev };
}
