// ConfigMaps of about 1 KiB through the API (issue 2's benchmark): create, update and get by 1, 10
// and 100 clients; when a watcher in another process sees each create after its answer; LIST of
// 1,000 and 10,000 ConfigMaps by 1, 10 and 100 clients.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { call, type ServerProcess } from '../../test/helpers/server-process.js';
import { summarize, type Summary } from '../lib/stats.js';
import { expectStatus, repoRoot, runPool, wallClock } from './util.js';

export const CONCURRENCY = [1, 10, 100] as const;
const VALUE = 'v'.repeat(800);

export const configMap = (ns: string, name: string, data = VALUE) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { bench: 'api' } }, data: { value: data } });

export async function createNamespace(s: ServerProcess, ns: string): Promise<void> {
  expectStatus(await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, `namespace ${ns}`);
}

/** A watcher process on a namespace's ConfigMaps; resolves once it is watching. `result()` gives arrival times. */
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

/** Fills `phases`; an operation that failed in a LIST phase is counted in `errors[phase]`. */
export async function crudPhases(s: ServerProcess, kubeconfig: string, quick: boolean, progress: (m: string) => void,
  phases: Record<string, Summary>, errors: Record<string, string>): Promise<void> {
  const OPS: Record<number, number> = quick ? { 1: 200, 10: 500, 100: 1000 } : { 1: 500, 10: 2000, 100: 5000 };
  for (const c of CONCURRENCY) {
    const ns = `bench-c${c}`;
    await createNamespace(s, ns);
    const list0 = JSON.parse((await call(s, 'GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`)).body) as { metadata: { resourceVersion: string } };
    const answered = new Map<string, number>();
    const total = OPS[c] ?? 1000;
    const watcher = await startWatcher(s, kubeconfig, ns, list0.metadata.resourceVersion, total);
    // Warm the connections first: the figures are for steady state, not TLS handshakes.
    await Promise.all(Array.from({ length: c }, () => call(s, 'GET', `/api/v1/namespaces/${ns}`)));
    const rvs: string[] = new Array<string>(total);
    const create = await runPool(c, total, async (i) => {
      const r = await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `cm-${i}`));
      answered.set(`cm-${i}`, wallClock());
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
    progress(`create/update/get/watch at ${c} clients: ${phases[`create@${c}`]?.perSecond.toFixed(0)} creates/s`);
  }
  for (const size of [1000, 10000]) {
    const ns = `bench-list-${size}`;
    await createNamespace(s, ns);
    await runPool(100, size, async (i) => { expectStatus(await call(s, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `cm-${i}`)), 201, 'create'); });
    for (const c of CONCURRENCY) {
      const total = Math.max(c, size === 10000 ? 20 : 50);
      const r = await runPool(c, total, async () => {
        const res = await call(s, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
        expectStatus(res, 200, 'list');
        if (res.body.length < size * 500) throw new Error('short list');
      }, true);
      phases[`list${size}@${c}`] = summarize(r.lat, r.wallMs);
      if (r.errors) {
        errors[`list${size}@${c}`] = `${r.errors} of ${total} failed: ${r.firstError ?? ''}`;
        progress(`LIST ${size} at ${c} clients: ${errors[`list${size}@${c}`]}`);
      }
    }
    progress(`list of ${size} ConfigMaps: ${phases[`list${size}@1`]?.p50.toFixed(0)} ms p50 at 1 client`);
  }
}
