// One of bench/api's 100 concurrent SQLite writers (a worker thread with its own connection):
// posts 'ready', waits for 'go', makes `count` durable inserts (each its own BEGIN IMMEDIATE
// transaction, waiting on SQLite's lock through busy_timeout) and posts their latencies.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, writer, count, value } = workerData as { path: string; writer: number; count: number; value: Uint8Array };
const db = new Database(path, { timeout: 60_000 });
db.pragma('synchronous = FULL');
const ins = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
const insert = db.transaction((key: string) => ins.run(key, Buffer.from(value)));
parentPort?.once('message', () => {
  const lat: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    insert.immediate(`/registry/pods/floor/w${writer}-${i}`);
    lat.push(performance.now() - t);
  }
  parentPort?.postMessage(lat);
  db.close();
});
parentPort?.postMessage('ready');
