// Pods at scale: realistic pods (pods.ts, about 3 KiB stored) created by 100 clients up to each
// step (10,000 then 100,000; --quick 2,000 then 10,000) over 10 namespaces, each then given a
// Running status through /status as a kubelet would; at each step the server's RSS after a quiet
// pause, a paged LIST of all pods (limit=500, following continue tokens) and one full LIST. One
// watch of all pods stays open throughout, as informers keep one (it also makes the watch cache
// hold pods from the start: a resource is cached from its first LIST or WATCH).
import { call, type ServerProcess } from '../../test/helpers/server-process.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { Backend } from './backends.js';
import { createNamespace } from './crud.js';
import { benchPod, benchPodStatus } from './pods.js';
import { countingWatch, expectStatus, memoryMiB, runPool, sleep, streamGet, type CountingWatch } from './util.js';

const NAMESPACES = 10;
const CLIENTS = 100;
const podNs = (i: number) => `bench-pods-${i % NAMESPACES}`;

export interface ScaleStep {
  pods: number;
  create: Summary;
  status: Summary;
  /** Server after a quiet pause, MiB: VmRSS and its peak so far (VmHWM). */
  serverRssMiB: number;
  serverPeakMiB: number;
  /** etcd's RSS (etcd backend). */
  storeRssMiB?: number;
  /** Events (lines) the open watch of all pods had received at the pause: 2 per pod when it keeps up. */
  watchEvents: number;
  /** How long after the last write that watch had every event (undefined: not within 120 s), ms. */
  watchCaughtUpMs?: number;
  /** The open watch ended (how), if it did. */
  watchEnded?: string;
  /** A stored pod as GET returns it, bytes. */
  podBytes: number;
  pagedPage: Summary;
  pagedWalkMs: number[];
  pages: number;
  /** Each page's time in the first walk, in order (a cost growing with the position shows here). */
  firstWalkPageMs: number[];
  fullListMs: number;
  fullListBytes: number;
  serverRssAfterFullListMiB: number;
}

async function pagedWalk(s: ServerProcess, expected: number): Promise<{ pageMs: number[]; walkMs: number }> {
  const pageMs: number[] = [];
  const t0 = performance.now();
  let cont = '';
  let items = 0;
  for (;;) {
    const r = await streamGet(s, `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, Infinity);
    pageMs.push(r.ms);
    if (r.status !== 200) throw new Error(`paged list: HTTP ${r.status}: ${r.head.slice(0, 300)}`);
    const page = JSON.parse(r.head) as { metadata: { continue?: string }; items: unknown[] };
    items += page.items.length;
    cont = page.metadata.continue ?? '';
    if (!cont) break;
  }
  if (items < expected) throw new Error(`paged list: ${items} pods, expected at least ${expected}`);
  return { pageMs, walkMs: performance.now() - t0 };
}

/** Fills `out` step by step, so what was measured survives a failure at a later step. */
export async function podScale(b: Backend, steps: number[], progress: (m: string) => void, out: ScaleStep[]): Promise<void> {
  const s = b.server;
  for (let n = 0; n < NAMESPACES; n++) await createNamespace(s, podNs(n));
  // Warm the connections.
  await Promise.all(Array.from({ length: CLIENTS }, () => call(s, 'GET', '/api/v1/namespaces/default')));
  const list0 = await call(s, 'GET', '/api/v1/pods?limit=1');
  expectStatus(list0, 200, 'list pods');
  const rv = (JSON.parse(list0.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const informer = countingWatch(s, `/api/v1/pods?watch=1&resourceVersion=${rv}`);
  try {
    await scaleSteps(b, steps, progress, out, informer);
  } finally {
    informer.stop();
  }
}

async function scaleSteps(b: Backend, steps: number[], progress: (m: string) => void, out: ScaleStep[], informer: CountingWatch): Promise<void> {
  const s = b.server;
  let have = 0;
  for (const target of steps) {
    const from = have;
    let t = performance.now();
    let done = 0;
    const create = await runPool(CLIENTS, target - from, async (k) => {
      const i = from + k;
      expectStatus(await call(s, 'POST', `/api/v1/namespaces/${podNs(i)}/pods`, benchPod(podNs(i), i)), 201, 'create pod');
      if (++done % 10_000 === 0) {
        progress(`pods created: ${from + done}/${target} (${(10_000 / ((performance.now() - t) / 1000)).toFixed(0)}/s)`);
        t = performance.now();
      }
    });
    progress(`pods created: ${target}; setting their status`);
    done = 0;
    t = performance.now();
    const status = await runPool(CLIENTS, target - from, async (k) => {
      const i = from + k;
      const name = benchPod(podNs(i), i).metadata.name as string;
      // A patch, as a kubelet sends (a PUT to /status replaces labels and annotations too).
      expectStatus(await call(s, 'PATCH', `/api/v1/namespaces/${podNs(i)}/pods/${name}/status`,
        { status: benchPodStatus(i) }, 'application/merge-patch+json'), 200, 'pod status');
      if (++done % 10_000 === 0) {
        progress(`pod statuses: ${from + done}/${target} (${(10_000 / ((performance.now() - t) / 1000)).toFixed(0)}/s)`);
        t = performance.now();
      }
    });
    have = target;
    // Until the open watch has every event (a lagging watch cache shows here), then a quiet pause.
    const lastWrite = performance.now();
    while (informer.events() < 2 * target && informer.ended() === undefined && performance.now() - lastWrite < 120_000) await sleep(20);
    const caughtUp = informer.events() >= 2 * target ? performance.now() - lastWrite : undefined;
    progress(`${target} pods: the open watch of all pods ${caughtUp === undefined ? `has ${informer.events()} of ${2 * target} events${informer.ended() ? ` (${informer.ended()})` : ''}` : `had every event ${caughtUp.toFixed(0)} ms after the last write`}`);
    await sleep(5000);
    const mem = memoryMiB(s.child.pid);
    const watchEvents = informer.events();
    const storeRss = b.storeRssMiB();
    const one = await call(s, 'GET', `/api/v1/namespaces/${podNs(7)}/pods/${benchPod(podNs(7), 7).metadata.name as string}`);
    expectStatus(one, 200, 'get pod');
    progress(`${target} pods: server RSS ${mem.rss.toFixed(0)} MiB (peak ${mem.peak.toFixed(0)})${storeRss === undefined ? '' : `, etcd ${storeRss.toFixed(0)} MiB`}; paged LIST`);
    // Walk until at least 100 pages are timed (one walk at 100,000 pods).
    const pageMs: number[] = [];
    const walks: number[] = [];
    let firstWalkPageMs: number[] = [];
    while (pageMs.length < 100) {
      const w = await pagedWalk(s, target);
      if (walks.length === 0) firstWalkPageMs = w.pageMs.map((ms) => Math.round(ms * 10) / 10);
      pageMs.push(...w.pageMs);
      walks.push(w.walkMs);
    }
    const pages = pageMs.length / walks.length;
    progress(`${target} pods: paged LIST ${(walks[0] ?? 0).toFixed(0)} ms per walk of ${pages} pages; full LIST`);
    const full = await streamGet(s, '/api/v1/pods');
    if (full.status !== 200) throw new Error(`full list: HTTP ${full.status}: ${full.head.slice(0, 300)}`);
    const afterFull = memoryMiB(s.child.pid).rss;
    progress(`${target} pods: full LIST ${full.ms.toFixed(0)} ms, ${(full.bytes / 2 ** 20).toFixed(0)} MiB; server RSS ${afterFull.toFixed(0)} MiB after it`);
    out.push({
      pods: target,
      create: summarize(create.lat, create.wallMs),
      status: summarize(status.lat, status.wallMs),
      serverRssMiB: mem.rss, serverPeakMiB: mem.peak,
      ...(storeRss === undefined ? {} : { storeRssMiB: storeRss }),
      watchEvents,
      ...(caughtUp === undefined ? {} : { watchCaughtUpMs: caughtUp }),
      ...(informer.ended() === undefined ? {} : { watchEnded: informer.ended() }),
      podBytes: one.body.length,
      pagedPage: summarize(pageMs, walks.reduce((a, w) => a + w, 0)),
      pagedWalkMs: walks, pages, firstWalkPageMs,
      fullListMs: full.ms, fullListBytes: full.bytes,
      serverRssAfterFullListMiB: afterFull,
    });
    await sleep(2000);
  }
}
