// bench/api: the API server on each datastore, SQLite and etcd, side by side: the raw floor of each
// datastore (floors.ts), create/update/get/list/watch of ConfigMaps through the API (crud.ts), a
// watch fan-out to 1,000 watchers (fanout.ts), and realistic pods of about 3 KiB to 10,000 and
// 100,000 with the server's memory and paged LISTs (scale.ts). Prints the tables and the targets
// of issues 2 and 5 and writes bench/results/api.json (a run of one backend keeps the other's
// results from an earlier run in that file).
// Usage: npm run bench:api -- [--backend sqlite|etcd|both] [--quick]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, startEtcdForBench, type Backend, type BackendName } from './backends.js';
import { crudPhases } from './crud.js';
import { watchFanout } from './fanout.js';
import { etcdFloors, sqliteFloors } from './floors.js';
import { memoryTable, operationsTable, targets, targetsTable, type BackendResult } from './report.js';
import { podScale } from './scale.js';
import { buildInfo, repoRoot, sleep } from './util.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const backendArg = argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1] : 'both';
if (backendArg !== 'sqlite' && backendArg !== 'etcd' && backendArg !== 'both') {
  console.error('usage: npm run bench:api -- [--backend sqlite|etcd|both] [--quick]');
  process.exit(2);
}
const backends: BackendName[] = backendArg === 'both' ? ['sqlite', 'etcd'] : [backendArg];
const POD_STEPS = quick ? [2000, 10_000] : [10_000, 100_000];
const FANOUT = { watchers: 1000, processes: 4, writes: quick ? 30 : 100, spacingMs: 20 };
const t0 = Date.now();
const progress = (name: string) => (m: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s ${name}] ${m}`);

async function runBackend(name: BackendName): Promise<BackendResult> {
  const log = progress(name);
  const r: BackendResult = { backend: name, date: new Date().toISOString(), quick, floors: {}, phases: {}, phaseErrors: {}, scale: [] };
  let b: Backend | undefined;
  let stage = 'floors';
  try {
    // 1. The datastore's floor, then a server on it: ConfigMaps, then the watch fan-out.
    if (name === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-floor-'));
      try {
        const f = await sqliteFloors(dir, quick);
        r.floors = { sqlite1: f.one, sqlite100: f.writers100, sqliteBatch100: f.batched100 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      log(`floor: ${f1(r.floors['sqlite1']?.perSecond)} inserts/s (1 writer), ${f1(r.floors['sqlite100']?.perSecond)}/s (100 writers), ${f1(r.floors['sqliteBatch100']?.perSecond)}/s (100 per transaction)`);
      stage = 'start server';
      b = await startBackend('sqlite');
    } else {
      const e = await startEtcdForBench();
      try {
        const f = await etcdFloors(e.etcd.urls[0] as string, quick);
        r.floors = { etcd1: f.one, etcd100: f.c100 };
      } catch (err) {
        await e.etcd.stop();
        throw err;
      }
      log(`floor: ${f1(r.floors['etcd1']?.perSecond)} puts/s (1 client), ${f1(r.floors['etcd100']?.perSecond)}/s (100 clients)`);
      stage = 'start server';
      b = await startBackend('etcd', e);
    }
    await sleep(1000);
    r.idleRssMiB = b.server.rssMiB();
    const kubeconfig = join(b.dataDir, 'kubeconfig.yaml');
    stage = 'ConfigMaps';
    await crudPhases(b.server, kubeconfig, quick, log, r.phases, r.phaseErrors);
    await sleep(2000);
    r.afterLoadIdleRssMiB = b.server.rssMiB();
    stage = 'watch fan-out';
    log(`watch fan-out: ${FANOUT.watchers} watchers in ${FANOUT.processes} processes, ${FANOUT.writes} writes`);
    r.fanout = await watchFanout(b.server, kubeconfig, FANOUT);
    log(`watch fan-out: p99 ${r.fanout.delivery.p99.toFixed(1)} ms, ${r.fanout.missing} missing`);
    await b.stop();
    b = undefined;
    // 2. A fresh server on a fresh datastore: pods at scale.
    stage = 'start server for pods';
    b = await startBackend(name);
    await sleep(1000);
    r.scaleIdleRssMiB = b.server.rssMiB();
    stage = 'pods at scale';
    await podScale(b, POD_STEPS, log, r.scale);
  } catch (e) {
    r.error = `${stage}${r.scale.length ? ` (after the ${r.scale[r.scale.length - 1]?.pods}-pod step)` : ''}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
    if (b) {
      const { exitCode, signalCode } = b.server.child;
      if (exitCode !== null || signalCode !== null) r.error += `\n(the server exited: ${exitCode ?? signalCode})`;
      r.error += `\nlast of the server's log:\n${b.server.log().slice(-3000)}`;
    }
    log(`FAILED: ${r.error}`);
  } finally {
    await b?.stop();
  }
  return r;
}

const f1 = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0));

async function main(): Promise<void> {
  const build = buildInfo();
  const loadStart = loadavg();
  const results: BackendResult[] = [];
  for (const name of backends) results.push(await runBackend(name));
  const loadEnd = loadavg();
  const ts = targets(results);
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nk8ts bench/api (${quick ? 'quick' : 'full'} run, ${cpus().length} CPUs, ${((Date.now() - t0) / 60_000).toFixed(1)} min; load average ${la(loadStart)} at start, ${la(loadEnd)} at end)`);
  console.log(`server: k8ts server --disable-scheduler --disable-controllers all (commit ${build.commit}${build.changedOutsideBench ? `, ${build.changedOutsideBench} files changed outside bench/` : ''}; watch cache ${build.watchCache ? 'on' : 'not in this build'}); pods: ${POD_STEPS.join(' then ')}\n`);
  const after = buildInfo();
  if (after.watchCache !== build.watchCache || after.commit !== build.commit) console.log(`NOTE: the build changed during the run (now commit ${after.commit}, watch cache ${after.watchCache ? 'on' : 'off'})\n`);
  console.log(operationsTable(results));
  console.log(`\n${memoryTable(results)}\n`);
  console.log(targetsTable(results, ts));
  for (const r of results) {
    for (const [phase, e] of Object.entries(r.phaseErrors)) console.log(`\n${r.backend} ${phase}: ${e}`);
    if (r.error) console.log(`\n${r.backend} FAILED at ${r.error}`);
  }

  const path = join(repoRoot, 'bench', 'results', 'api.json');
  let earlier: Record<string, unknown> = {};
  if (backends.length === 1 && existsSync(path)) {
    try {
      const old = JSON.parse(readFileSync(path, 'utf8')) as { backends?: Record<string, unknown> };
      earlier = old.backends ?? {};
    } catch { /* an older format: start afresh */ }
  }
  const out = {
    date: new Date().toISOString(), quick, machine: { cpus: cpus().length }, build, loadavg: { start: loadStart, end: loadEnd },
    backends: { ...earlier, ...Object.fromEntries(results.map((r) => [r.backend, { ...r, build, targets: ts.map((t) => ({ name: t.name, measured: t.measured[r.backend], met: t.met[r.backend] })) }])) },
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  console.log('\nwrote bench/results/api.json');
  if (results.some((r) => r.error)) process.exitCode = 1;
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
