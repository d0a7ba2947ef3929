// The floor of each datastore, with the same ~3 KiB pod value the API benchmark stores:
//   SQLite: durable inserts (WAL, synchronous=FULL: one fsync per commit) by one writer; by 100
//     writers on their own connections (worker threads) — SQLite takes one writer at a time, so they
//     queue on its lock (busy_timeout) and this is no faster than one writer; and 100 inserts per
//     transaction, the best a group commit can do with 100 clients.
//   etcd: puts (a Txn holding one put, as the store writes) through the store's own gRPC client
//     (src/storage/etcd/client.ts) by 1 and by 100 concurrent callers on its one channel.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EtcdClient } from '../../src/storage/etcd/client.js';
import { prefixEnd } from '../../src/storage/etcd/keys.js';
import { summarize, type Summary } from '../lib/stats.js';
import { benchPod, benchPodStatus } from './pods.js';
import { runPool } from './util.js';

export const floorValue = (): Buffer => Buffer.from(JSON.stringify({ ...benchPod('floor', 1), status: benchPodStatus(1) }));

function openFloorDb(path: string): Database.Database {
  const db = new Database(path, { timeout: 60_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

export interface SqliteFloors { one: Summary; writers100: Summary; batched100: Summary }

export async function sqliteFloors(dir: string, quick: boolean): Promise<SqliteFloors> {
  const path = join(dir, 'floor.db');
  const db = openFloorDb(path);
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, key TEXT UNIQUE, value BLOB)');
  const ins = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const value = floorValue();

  // One writer, one fsynced transaction per insert.
  const n1 = quick ? 300 : 1000;
  let lat: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n1; i++) {
    const t = performance.now();
    db.transaction(() => ins.run(`/registry/pods/floor/one-${i}`, value))();
    lat.push(performance.now() - t);
  }
  const one = summarize(lat, performance.now() - t0);

  // 100 inserts per transaction.
  const nb = quick ? 3000 : 10_000;
  lat = [];
  t0 = performance.now();
  for (let b = 0; b < nb / 100; b++) {
    const t = performance.now();
    db.transaction(() => { for (let j = 0; j < 100; j++) ins.run(`/registry/pods/floor/batch-${b * 100 + j}`, value); })();
    const ms = performance.now() - t;
    for (let j = 0; j < 100; j++) lat.push(ms);
  }
  const batched100 = summarize(lat, performance.now() - t0);
  db.close();

  // 100 writers, each on its own connection in its own thread, each insert its own transaction.
  const perWriter = quick ? 3 : 10;
  const workers = Array.from({ length: 100 }, (_, w) => new Worker(new URL('./floor-sqlite-writer.js', import.meta.url), {
    workerData: { path, writer: w, count: perWriter, value },
  }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  })));
  t0 = performance.now();
  const results = await Promise.all(workers.map((w) => new Promise<number[]>((resolve, reject) => {
    w.once('message', (m: number[]) => resolve(m));
    w.once('error', reject);
    w.postMessage('go');
  })));
  const writers100 = summarize(results.flat(), performance.now() - t0);
  await Promise.all(workers.map((w) => w.terminate()));
  return { one, writers100, batched100 };
}

export interface EtcdFloors { one: Summary; c100: Summary }

/** Puts under /bench-floor/ (removed afterwards) on the etcd at `endpoint`. */
export async function etcdFloors(endpoint: string, quick: boolean): Promise<EtcdFloors> {
  const client = new EtcdClient({ endpoints: [endpoint], requestTimeoutMs: 30_000 });
  try {
    await client.ready(Date.now() + 10_000);
    const value = floorValue();
    const put = (key: string) => client.call('Txn', { compare: [], success: [{ request_put: { key: Buffer.from(key), value } }], failure: [] }, 'write');
    // Warm the channel.
    await Promise.all(Array.from({ length: 100 }, (_, i) => put(`/bench-floor/warm-${i}`)));
    const r1 = await runPool(1, quick ? 300 : 1000, async (i) => { await put(`/bench-floor/one-${i}`); });
    const r100 = await runPool(100, quick ? 3000 : 10_000, async (i) => { await put(`/bench-floor/c100-${i}`); });
    const start = Buffer.from('/bench-floor/');
    await client.call('Txn', { compare: [], success: [{ request_delete_range: { key: start, range_end: prefixEnd(start) } }], failure: [] }, 'write');
    return { one: summarize(r1.lat, r1.wallMs), c100: summarize(r100.lat, r100.wallMs) };
  } finally {
    client.close();
  }
}
