// bench/api: API throughput and latency of `k8ts server` on SQLite, beside the floor of raw durable
// SQLite inserts (one fsynced transaction per insert) on the same disk. Prints a table and writes
// bench/results/api.json.  Usage: node dist/bench/api/main.js [--quick]
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { startServerProcess, call, type ServerProcess } from '../../test/helpers/server-process.js';
import { printTable, summarize, type Summary } from '../lib/stats.js';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const quick = process.argv.includes('--quick');
const CONCURRENCY = [1, 10, 100];
const OPS: Record<number, number> = quick ? { 1: 200, 10: 500, 100: 1000 } : { 1: 500, 10: 2000, 100: 5000 };
const VALUE = 'v'.repeat(800); // a ConfigMap of about 1 KiB

const configMap = (ns: string, name: string, data = VALUE) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { bench: 'api' } }, data: { value: data } });

async function runPool(concurrency: number, total: number, op: (i: number) => Promise<void>): Promise<{ lat: number[]; wallMs: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    }
  }));
  return { lat, wallMs: performance.now() - t0 };
}

function expectStatus(r: { status: number; body: string }, want: number, what: string): void {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
}

/** A watcher process on a namespace; resolves once it is watching. `result()` gives arrival times. */
async function startWatcher(s: ServerProcess, kubeconfig: string, ns: string, rv: string, expected: number): Promise<{ result(): Promise<Record<string, number>> }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bench', 'api', 'watcher.js'), s.url, kubeconfig, ns, rv, String(expected)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => { if (d.toString().includes('watching')) resolve(); });
    child.once('exit', (code) => reject(new Error(`watcher exited ${code}`)));
  });
  return {
    result: () => new Promise((resolve) => {
      const t = setTimeout(() => child.kill('SIGTERM'), 10_000);
      child.once('exit', () => { clearTimeout(t); resolve(JSON.parse(out || '{}') as Record<string, number>); });
    }),
  };
}

function floor(dir: string, n: number): Summary {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, key TEXT UNIQUE, value BLOB)');
  const ins = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const value = Buffer.from(JSON.stringify(configMap('floor', 'x')));
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    db.transaction(() => ins.run(`/registry/configmaps/floor/cm-${i}`, value))();
    lat.push(performance.now() - t);
  }
  const s = summarize(lat, performance.now() - t0);
  db.close();
  return s;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(repoRoot, 'bench', 'results', 'tmp-api-'));
  const results: Record<string, unknown> = { date: new Date().toISOString(), quick, machine: { cpus: (await import('node:os')).cpus().length } };
  const rows: Array<Array<string | number>> = [];
  const add = (name: string, c: number | string, s: Summary) => rows.push([name, String(c), s.count, s.perSecond, s.p50, s.p99, s.max]);
  let server: ServerProcess | undefined;
  try {
    const fl = floor(dir, quick ? 300 : 1000);
    add('floor: raw SQLite insert (fsync each)', 1, fl);
    results.floor = fl;
    server = await startServerProcess(repoRoot, join(dir, 'data'));
    await new Promise((r) => setTimeout(r, 1000));
    results.idleRssMiB = server.rssMiB();
    const s = server;
    const phases: Record<string, Summary> = {};
    for (const c of CONCURRENCY) {
      const ns = `bench-c${c}`;
      expectStatus(await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, 'namespace');
      const list0 = JSON.parse((await call(s, 'GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`)).body) as { metadata: { resourceVersion: string } };
      const answered = new Map<string, number>();
      const total = OPS[c] ?? 1000;
      const watcher = await startWatcher(s, join(dir, 'data', 'kubeconfig.yaml'), ns, list0.metadata.resourceVersion, total);
      // Warm the connections first: the figures are for steady state, not TLS handshakes.
      await Promise.all(Array.from({ length: c }, () => call(s, 'GET', `/api/v1/namespaces/${ns}`)));
      const rvs: string[] = new Array<string>(total);
      const create = await runPool(c, total, async (i) => {
        const r = await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `cm-${i}`));
        answered.set(`cm-${i}`, performance.timeOrigin + performance.now());
        expectStatus(r, 201, 'create');
        rvs[i] = (JSON.parse(r.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      });
      const delivered = await watcher.result();
      const watchLat: number[] = [];
      for (const [name, at] of answered) { const d = delivered[name]; if (d !== undefined) watchLat.push(Math.max(0, d - at)); }
      const firstAnswer = Math.min(...answered.values());
      const lastDelivery = Math.max(...Object.values(delivered));
      phases[`create@${c}`] = summarize(create.lat, create.wallMs);
      phases[`watch@${c}`] = { ...summarize(watchLat, lastDelivery - firstAnswer), count: Object.keys(delivered).length };
      const update = await runPool(c, total, async (i) => {
        const r = await call(s, 'PUT', `/api/v1/namespaces/${ns}/configmaps/cm-${i}`, { ...configMap(ns, `cm-${i}`, `${VALUE}-u`), metadata: { name: `cm-${i}`, namespace: ns, resourceVersion: rvs[i] } });
        expectStatus(r, 200, 'update');
      });
      phases[`update@${c}`] = summarize(update.lat, update.wallMs);
      const get = await runPool(c, total, async (i) => { expectStatus(await call(s, 'GET', `/api/v1/namespaces/${ns}/configmaps/cm-${i}`), 200, 'get'); });
      phases[`get@${c}`] = summarize(get.lat, get.wallMs);
      add('create', c, phases[`create@${c}`] as Summary);
      add('update', c, phases[`update@${c}`] as Summary);
      add('get', c, phases[`get@${c}`] as Summary);
      add('watch event after create answered', c, phases[`watch@${c}`] as Summary);
    }
    // LIST of 1,000 and 10,000 objects.
    for (const size of [1000, 10000]) {
      const ns = `bench-list-${size}`;
      expectStatus(await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, 'namespace');
      await runPool(100, size, async (i) => { expectStatus(await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `cm-${i}`)), 201, 'create'); });
      for (const c of CONCURRENCY) {
        const total = Math.max(c, size === 10000 ? 20 : 50);
        const r = await runPool(c, total, async () => {
          const res = await call(s, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
          expectStatus(res, 200, 'list');
          if (res.body.length < size * 500) throw new Error('short list');
        });
        phases[`list${size}@${c}`] = summarize(r.lat, r.wallMs);
        add(`list ${size} ConfigMaps`, c, phases[`list${size}@${c}`] as Summary);
      }
    }
    results.phases = phases;
    results.loadedRssMiB = s.rssMiB();
    await new Promise((r) => setTimeout(r, 2000));
    results.afterLoadIdleRssMiB = s.rssMiB();
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = printTable(['operation', 'clients', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'max ms'], rows);
  const p = results.phases as Record<string, Summary>;
  const floorRate = (results.floor as Summary).perSecond;
  const targets = [
    ['creates/s at 100 clients >= 50% of floor', `${p['create@100']?.perSecond.toFixed(0)} vs ${(floorRate / 2).toFixed(0)}`, (p['create@100']?.perSecond ?? 0) >= floorRate / 2],
    ['p99 create latency at 100 clients <= 50 ms', `${p['create@100']?.p99.toFixed(1)} ms`, (p['create@100']?.p99 ?? Infinity) <= 50],
    ['p99 update latency at 100 clients <= 50 ms', `${p['update@100']?.p99.toFixed(1)} ms`, (p['update@100']?.p99 ?? Infinity) <= 50],
    ['watch event p99 <= 10 ms after the write answered', `${p['watch@100']?.p99.toFixed(1)} ms (100 clients), ${p['watch@1']?.p99.toFixed(1)} ms (1 client)`, (p['watch@100']?.p99 ?? Infinity) <= 10],
    ['LIST of 10,000 ConfigMaps <= 1 s', `${p['list10000@1']?.p99.toFixed(0)} ms p99 (1 client)`, (p['list10000@1']?.p99 ?? Infinity) <= 1000],
    ['idle server <= 150 MiB RSS', `${(results.idleRssMiB as number).toFixed(0)} MiB at start, ${(results.afterLoadIdleRssMiB as number).toFixed(0)} MiB idle after load`, (results.idleRssMiB as number) <= 150],
  ] as const;
  results.targets = targets.map(([name, measured, met]) => ({ name, measured, met }));
  console.log(`\nk8ts bench/api (SQLite, ${quick ? 'quick' : 'full'} run)\n\n${table}\n`);
  console.log(printTable(['target', 'measured', 'met'], targets.map(([n, m, ok]) => [n, m, ok ? 'yes' : 'NO'])));
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'api.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results/api.json');
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
