// Small helpers of bench/api: a pool of concurrent clients, status checks, streamed GETs, RSS.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import type { ServerProcess } from '../../test/helpers/server-process.js';

export const repoRoot = new URL('../../..', import.meta.url).pathname;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Milliseconds since the epoch, sub-millisecond, comparable across processes. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/** Calls `onLine` with each line of a watch response as it arrives, with the wall-clock time its chunk came in. */
export function eachLine(res: NodeJS.ReadableStream, onLine: (line: string, at: number) => void): void {
  let buf = '';
  res.on('data', (d: Buffer) => {
    const at = wallClock();
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine(line, at);
    }
  });
}

/**
 * `total` operations by `concurrency` clients; the latency of each and the wall time of all. An
 * operation that throws fails the pool, unless `tolerate`: then it is counted in `errors` (with the
 * first error's message) and left out of the latencies.
 */
export async function runPool(concurrency: number, total: number, op: (i: number) => Promise<void>, tolerate = false): Promise<{ lat: number[]; wallMs: number; errors: number; firstError?: string }> {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = performance.now();
      try {
        await op(i);
      } catch (e) {
        if (!tolerate) throw e;
        errors++;
        firstError ??= (e instanceof Error ? e.message : String(e)).slice(0, 300);
        continue;
      }
      lat.push(performance.now() - t);
    }
  }));
  return { lat, wallMs: performance.now() - t0, errors, ...(firstError === undefined ? {} : { firstError }) };
}

export function expectStatus(r: { status: number; body: string }, want: number, what: string): void {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
}

/** A GET whose body is counted, not kept: its first `keep` bytes, its size, time to last byte. */
export function streamGet(s: ServerProcess, path: string, keep = 4096): Promise<{ status: number; head: string; bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const u = new URL(path, s.url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: s.agent }, (res) => {
      let head = '';
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        if (head.length < keep) head += c.subarray(0, keep - head.length).toString();
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, head, bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** VmRSS and VmHWM (peak) of a process, MiB. */
export function memoryMiB(pid: number | undefined): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? '0');
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Child processes of this one named `comm` (etcd, started by test/helpers/etcd.ts). */
export function childPids(comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m?.[1] === comm && Number(m[2]) === process.pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

export const fmt = (n: number | undefined, digits = 1): string => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

/** What was measured: the commit, files changed outside bench/, and whether the built server has the watch cache. */
export function buildInfo(): { commit: string; changedOutsideBench: number; watchCache: boolean } {
  const git = (args: string[]) => { try { return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim(); } catch { return ''; } };
  const changed = git(['status', '--porcelain']).split('\n').filter((l) => l.trim() !== '' && !l.slice(3).startsWith('bench/')).length;
  let watchCache = false;
  try { watchCache = readFileSync(join(repoRoot, 'dist', 'src', 'apiserver', 'server.js'), 'utf8').includes('withWatchCache('); } catch { /* not built */ }
  return { commit: git(['rev-parse', '--short', 'HEAD']), changedOutsideBench: changed, watchCache };
}

export interface CountingWatch { events(): number; ended(): string | undefined; stop(): void }

/** A watch that only counts its events (an informer's stream, without the informer). */
export function countingWatch(s: ServerProcess, path: string): CountingWatch {
  let events = 0;
  let ended: string | undefined;
  let stopped = false;
  const u = new URL(path, s.url);
  const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: s.agent }, (res) => {
    let last = '';
    res.on('data', (c: Buffer) => {
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) events++;
      last = c.subarray(Math.max(0, c.length - 400)).toString();
    });
    res.on('end', () => { if (!stopped) ended ??= `ended after ${events} events: ${last.includes('"ERROR"') ? last.slice(last.indexOf('{"type":"ERROR"')) : 'no ERROR event'}`; });
    res.on('error', () => undefined);
  });
  req.on('error', (e) => { if (!stopped) ended ??= e.message; });
  req.end();
  return { events: () => events, ended: () => ended, stop: () => { stopped = true; req.destroy(); } };
}
