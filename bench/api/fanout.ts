// Watch fan-out: WATCHERS watches (PROCESSES child processes, each watch its own TLS connection) on
// one namespace's ConfigMaps, then WRITES updates of one ConfigMap spaced SPACING ms apart; each
// delivery's time is its arrival at the watcher minus the moment the write was answered.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { call, type ServerProcess } from '../../test/helpers/server-process.js';
import { summarize, type Summary } from '../lib/stats.js';
import { configMap, createNamespace } from './crud.js';
import { expectStatus, repoRoot, sleep, wallClock } from './util.js';

export interface FanoutResult {
  watchers: number;
  writes: number;
  connectMs: number;
  /** Deliveries expected (watchers × writes) and missing. */
  expected: number;
  missing: number;
  failedWatches: number;
  delivery: Summary;
  /** Per write: the slowest watcher's delivery (when the last watcher had it). */
  lastWatcher: Summary;
}

interface Child { proc: ChildProcess; ready: Promise<void>; result: Promise<{ arrivals: Record<string, number[]>; failed: number }> }

function startChild(s: ServerProcess, kubeconfig: string, ns: string, rv: string, count: number, expected: number): Child {
  const proc = spawn(process.execPath, [join(repoRoot, 'dist', 'bench', 'api', 'fanout-child.js'), s.url, kubeconfig, ns, rv, String(count), String(expected)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  const ready = new Promise<void>((resolve, reject) => {
    proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('ready')) resolve(); });
    proc.once('exit', (code) => reject(new Error(`fan-out watcher process exited ${code}: ${err}`)));
  });
  const result = new Promise<{ arrivals: Record<string, number[]>; failed: number }>((resolve) => {
    proc.once('exit', () => {
      try { resolve(JSON.parse(out) as { arrivals: Record<string, number[]>; failed: number }); } catch { resolve({ arrivals: {}, failed: count }); }
    });
  });
  return { proc, ready, result };
}

export async function watchFanout(s: ServerProcess, kubeconfig: string, opts: { watchers: number; processes: number; writes: number; spacingMs: number }): Promise<FanoutResult> {
  const ns = 'bench-fanout';
  await createNamespace(s, ns);
  const created = await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'fan', 'x'));
  expectStatus(created, 201, 'create');
  let rv = (JSON.parse(created.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const per = Math.ceil(opts.watchers / opts.processes);
  const t0 = performance.now();
  const children = Array.from({ length: opts.processes }, (_, i) =>
    startChild(s, kubeconfig, ns, rv, Math.min(per, opts.watchers - i * per), opts.writes));
  try {
    await Promise.all(children.map((c) => c.ready));
    const connectMs = performance.now() - t0;
    await sleep(1000);
    const answered = new Map<string, number>();
    for (let i = 0; i < opts.writes; i++) {
      const r = await call(s, 'PUT', `/api/v1/namespaces/${ns}/configmaps/fan`, { ...configMap(ns, 'fan', `update-${i}`), metadata: { name: 'fan', namespace: ns, resourceVersion: rv } });
      const at = wallClock();
      expectStatus(r, 200, 'update');
      rv = (JSON.parse(r.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      answered.set(rv, at);
      await sleep(opts.spacingMs);
    }
    const timer = setTimeout(() => { for (const c of children) c.proc.kill('SIGTERM'); }, 30_000);
    const results = await Promise.all(children.map((c) => c.result));
    clearTimeout(timer);
    const delivery: number[] = [];
    const last: number[] = [];
    const lastByRv = new Map<string, number>();
    for (const res of results) {
      for (const [v, arrivals] of Object.entries(res.arrivals)) {
        const at = answered.get(v);
        if (at === undefined) continue;
        for (const a of arrivals) {
          const d = Math.max(0, a - at);
          delivery.push(d);
          lastByRv.set(v, Math.max(lastByRv.get(v) ?? 0, d));
        }
      }
    }
    for (const d of lastByRv.values()) last.push(d);
    const span = Math.max(...answered.values()) - Math.min(...answered.values());
    const failedWatches = results.reduce((n, r) => n + r.failed, 0);
    return {
      watchers: opts.watchers, writes: opts.writes, connectMs,
      expected: opts.watchers * opts.writes, missing: opts.watchers * opts.writes - delivery.length, failedWatches,
      delivery: summarize(delivery, span), lastWatcher: summarize(last, span),
    };
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }
}
