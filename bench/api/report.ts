// bench/api's tables: operations side by side per backend, memory and sizes, and the targets.
import { printTable, type Summary } from '../lib/stats.js';
import type { BackendName } from './backends.js';
import type { FanoutResult } from './fanout.js';
import type { ScaleStep } from './scale.js';
import { fmt } from './util.js';

export interface BackendResult {
  backend: BackendName;
  date: string;
  quick: boolean;
  floors: Record<string, Summary>;
  phases: Record<string, Summary>;
  /** Phases where some operations failed: how many, and the first error. */
  phaseErrors: Record<string, string>;
  idleRssMiB?: number;
  afterLoadIdleRssMiB?: number;
  fanout?: FanoutResult;
  scaleIdleRssMiB?: number;
  scale: ScaleStep[];
  /** Where it failed, if it did. */
  error?: string;
}

type Pick = (r: BackendResult) => Summary | undefined;
interface Row { name: string; clients: string; pick: Pick; key?: string }

const step = (r: BackendResult, i: number): ScaleStep | undefined => r.scale[i];
const stepLabel = (rs: BackendResult[], i: number): string => {
  const n = rs.map((r) => step(r, i)?.pods).find((p) => p !== undefined);
  return n === undefined ? (i === 0 ? 'step 1' : 'step 2') : `${n / 1000}k`;
};

function rows(rs: BackendResult[]): Row[] {
  const out: Row[] = [
    { name: 'floor: SQLite insert, fsync each', clients: '1', pick: (r) => r.floors['sqlite1'] },
    { name: 'floor: SQLite insert, fsync each (writers queue on its lock)', clients: '100', pick: (r) => r.floors['sqlite100'] },
    { name: 'floor: SQLite, 100 inserts per transaction', clients: '100', pick: (r) => r.floors['sqliteBatch100'] },
    { name: 'floor: etcd put (store\'s gRPC client)', clients: '1', pick: (r) => r.floors['etcd1'] },
    { name: 'floor: etcd put (store\'s gRPC client)', clients: '100', pick: (r) => r.floors['etcd100'] },
  ];
  for (const op of ['create', 'update', 'get']) {
    for (const c of [1, 10, 100]) out.push({ name: `${op} ConfigMap 1 KiB`, clients: String(c), pick: (r) => r.phases[`${op}@${c}`] });
  }
  for (const c of [1, 10, 100]) out.push({ name: 'watch event after create answered', clients: String(c), pick: (r) => r.phases[`watch@${c}`] });
  for (const size of [1000, 10000]) {
    for (const c of [1, 10, 100]) out.push({ name: `LIST ${size} ConfigMaps`, clients: String(c), pick: (r) => r.phases[`list${size}@${c}`], key: `list${size}@${c}` });
  }
  out.push({ name: 'watch fan-out: delivery, 1,000 watchers', clients: '1000', pick: (r) => r.fanout?.delivery });
  out.push({ name: 'watch fan-out: last watcher per write', clients: '1000', pick: (r) => r.fanout?.lastWatcher });
  for (const i of [0, 1]) {
    const l = stepLabel(rs, i);
    out.push({ name: `create pod ~3 KiB (to ${l})`, clients: '100', pick: (r) => step(r, i)?.create });
    out.push({ name: `update pod status (to ${l})`, clients: '100', pick: (r) => step(r, i)?.status });
    out.push({ name: `paged LIST pods limit=500, per page (${l})`, clients: '1', pick: (r) => step(r, i)?.pagedPage });
  }
  return out;
}

export function operationsTable(rs: BackendResult[]): string {
  const headers = ['operation', 'clients'];
  for (const r of rs) headers.push(`${r.backend} ops/s`, 'p50 ms', 'p99 ms');
  const body: string[][] = [];
  for (const row of rows(rs)) {
    const cells = rs.map((r) => row.pick(r));
    if (cells.every((c) => c === undefined)) continue;
    const failed = (r: BackendResult) => { const e = row.key === undefined ? undefined : r.phaseErrors[row.key]; return e === undefined ? '' : ` (${e.split(' ')[0] ?? ''} failed)`; };
    body.push([row.name, row.clients, ...cells.flatMap((c, k) => (c === undefined ? ['', '', ''] : [`${fmt(c.perSecond, 0)}${failed(rs[k] as BackendResult)}`, fmt(c.p50, 1), fmt(c.p99, 1)]))]);
  }
  return printTable(headers, body);
}

export function memoryTable(rs: BackendResult[]): string {
  const mib = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(0)} MiB`);
  const items: Array<[string, (r: BackendResult) => string]> = [
    ['server RSS idle at start', (r) => mib(r.idleRssMiB)],
    ['server RSS idle after the ConfigMap phases', (r) => mib(r.afterLoadIdleRssMiB)],
    ['fan-out: 1,000 watches connected in', (r) => (r.fanout ? `${fmt(r.fanout.connectMs, 0)} ms` : '-')],
    ['fan-out: deliveries missing / failed watches', (r) => (r.fanout ? `${r.fanout.missing} of ${r.fanout.expected} / ${r.fanout.failedWatches}` : '-')],
    ['fan-out: delivery max', (r) => (r.fanout ? `${fmt(r.fanout.delivery.max, 1)} ms` : '-')],
    ['server RSS idle before the pods (fresh server)', (r) => mib(r.scaleIdleRssMiB)],
    ['pod as stored (GET), bytes', (r) => (step(r, 0) ? String(step(r, 0)?.podBytes) : '-')],
  ];
  for (const i of [0, 1]) {
    const l = stepLabel(rs, i);
    items.push(
      [`${l} pods: server RSS after a quiet pause (peak so far)`, (r) => { const st = step(r, i); return st ? `${mib(st.serverRssMiB)} (${mib(st.serverPeakMiB)})` : '-'; }],
      [`${l} pods: etcd RSS`, (r) => mib(step(r, i)?.storeRssMiB)],
      [`${l} pods: open watch of all pods had every event`, (r) => { const st = step(r, i); return st ? (st.watchCaughtUpMs !== undefined ? `${st.watchCaughtUpMs.toFixed(0)} ms after the last write` : `NO: ${st.watchEvents} of ${2 * st.pods}${st.watchEnded ? ', ended' : ''}`) : '-'; }],
      [`${l} pods: paged LIST walk (limit=500)`, (r) => { const st = step(r, i); return st ? `${fmt(st.pagedWalkMs[0], 0)} ms, ${st.pages} pages` : '-'; }],
      [`${l} pods: paged LIST first page, last page`, (r) => { const p = step(r, i)?.firstWalkPageMs; return p?.length ? `${fmt(p[0], 1)} ms, ${fmt(p[p.length - 1], 1)} ms` : '-'; }],
      [`${l} pods: full LIST (no limit)`, (r) => { const st = step(r, i); return st ? `${fmt(st.fullListMs, 0)} ms, ${(st.fullListBytes / 2 ** 20).toFixed(0)} MiB` : '-'; }],
      [`${l} pods: server RSS right after the full LIST`, (r) => mib(step(r, i)?.serverRssAfterFullListMiB)],
    );
  }
  const body = items.map(([name, f]) => [name, ...rs.map(f)]);
  return printTable(['memory, sizes, times', ...rs.map((r) => r.backend)], body.filter((row) => row.slice(1).some((c) => c !== '-')));
}

export interface Target { name: string; measured: Partial<Record<BackendName, string>>; met: Partial<Record<BackendName, boolean>> }

export function targets(rs: BackendResult[]): Target[] {
  const defs: Array<[string, (r: BackendResult) => [string, boolean | undefined] | undefined]> = [
    ['pod creates/s at 100 clients >= 50% of the floor at 100 (SQLite: 1-writer floor)', (r) => {
      // The larger step: 90,000 creates on a warm server (the first step includes the warm-up).
      const create = r.scale[r.scale.length - 1]?.create.perSecond;
      const floor = r.backend === 'etcd' ? r.floors['etcd100']?.perSecond : r.floors['sqlite1']?.perSecond;
      if (create === undefined || floor === undefined) return undefined;
      return [`${create.toFixed(0)}/s vs ${(floor / 2).toFixed(0)}/s`, create >= floor / 2];
    }],
    ['ConfigMap creates/s at 100 clients >= 50% of that floor', (r) => {
      const create = r.phases['create@100']?.perSecond;
      const floor = r.backend === 'etcd' ? r.floors['etcd100']?.perSecond : r.floors['sqlite1']?.perSecond;
      if (create === undefined || floor === undefined) return undefined;
      return [`${create.toFixed(0)}/s vs ${(floor / 2).toFixed(0)}/s`, create >= floor / 2];
    }],
    ['p99 create latency at 100 clients <= 50 ms', (r) => { const p = r.phases['create@100']?.p99; return p === undefined ? undefined : [`${p.toFixed(1)} ms`, p <= 50]; }],
    ['p99 update latency at 100 clients <= 50 ms', (r) => { const p = r.phases['update@100']?.p99; return p === undefined ? undefined : [`${p.toFixed(1)} ms`, p <= 50]; }],
    ['watch event p99 <= 10 ms after the write answered (100 clients)', (r) => { const p = r.phases['watch@100']?.p99; return p === undefined ? undefined : [`${p.toFixed(1)} ms (1 client: ${fmt(r.phases['watch@1']?.p99)} ms)`, p <= 10]; }],
    ['LIST of 10,000 ConfigMaps <= 1 s (p99, 1 client)', (r) => { const p = r.phases['list10000@1']?.p99; return p === undefined ? undefined : [`${p.toFixed(0)} ms`, p <= 1000]; }],
    ['idle server <= 150 MiB RSS', (r) => (r.idleRssMiB === undefined ? undefined : [`${r.idleRssMiB.toFixed(0)} MiB`, r.idleRssMiB <= 150])],
    ['server holding 100,000 pods ~3 KiB <= 1.5 GiB RSS', (r) => {
      const st = r.scale[r.scale.length - 1];
      if (st === undefined) return undefined;
      return [`${st.serverRssMiB.toFixed(0)} MiB at ${st.pods / 1000}k (peak ${st.serverPeakMiB.toFixed(0)})`, st.pods >= 100_000 ? st.serverRssMiB <= 1536 : undefined];
    }],
    ['paged LIST of 100,000 pods (limit=500) <= 50 ms per page p99', (r) => {
      const st = r.scale[r.scale.length - 1];
      if (st === undefined) return undefined;
      return [`${st.pagedPage.p99.toFixed(1)} ms at ${st.pods / 1000}k`, st.pods >= 100_000 ? st.pagedPage.p99 <= 50 : undefined];
    }],
    ['1,000 watchers all see an event <= 100 ms p99', (r) => {
      const f = r.fanout;
      if (f === undefined) return undefined;
      return [`${f.delivery.p99.toFixed(1)} ms (${f.missing} missing)`, f.missing === 0 && f.delivery.p99 <= 100];
    }],
  ];
  return defs.map(([name, f]) => {
    const t: Target = { name, measured: {}, met: {} };
    for (const r of rs) {
      const v = f(r);
      if (v) { t.measured[r.backend] = v[0]; if (v[1] !== undefined) t.met[r.backend] = v[1]; }
    }
    return t;
  });
}

export function targetsTable(rs: BackendResult[], ts: Target[]): string {
  const body = ts.map((t) => [t.name, ...rs.map((r) => t.measured[r.backend] ?? '-'),
    rs.map((r) => (t.met[r.backend] === undefined ? `${r.backend} -` : `${r.backend} ${t.met[r.backend] ? 'yes' : 'NO'}`)).join(', ')]);
  return printTable(['target', ...rs.map((r) => `measured ${r.backend}`), 'met?'], body);
}
