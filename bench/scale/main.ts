// bench/scale: memory at scale (not a test): one `k8ts server` and one `k8ts sim --nodes N` process, then P pods
// bound round-robin to the sim nodes; prints both processes' RSS at each step.
// Needs the compiled CLI (npm run build). Run:
//   npm run bench:scale -- [nodes=1000] [pods=30000]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import { repoRoot } from '../../test/helpers/cluster.js';
import { call, startServerProcess } from '../../test/helpers/server-process.js';

const nodes = Number(process.argv[2] ?? 1000);
const pods = Number(process.argv[3] ?? 30_000);
const rssMiB = (pid: number | undefined) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = await mkdtemp(join(tmpdir(), 'k8ts-simmem-'));
const server = await startServerProcess(repoRoot(), dir);
const sim = spawn(process.execPath, [join(repoRoot(), 'bin', 'k8ts'), 'sim', '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--nodes', String(nodes), '--log-level', 'info'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let simLog = '';
sim.stderr?.on('data', (d: Buffer) => { simLog += d.toString(); });
const rows: string[][] = [];
const sample = (step: string) => {
  const s = rssMiB(server.child.pid);
  const m = rssMiB(sim.pid);
  rows.push([step, s.toFixed(0), m.toFixed(0), (s + m).toFixed(0)]);
  console.log(`${step.padEnd(44)} server ${s.toFixed(0).padStart(6)} MiB   sim ${m.toFixed(0).padStart(6)} MiB   total ${(s + m).toFixed(0).padStart(6)} MiB`);
};
try {
  const t0 = Date.now();
  while (!simLog.includes('k8ts sim nodes are running')) {
    if (sim.exitCode !== null) throw new Error(`sim exited: ${simLog}`);
    await sleep(200);
  }
  sample(`${nodes} nodes registered (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  await sleep(25_000);
  sample(`${nodes} nodes after 25s of heartbeats`);

  // Pods seen Running, counted from one watch filtered on the server (a LIST per poll would scan every pod).
  const running = new Set<string>();
  const watch = request(new URL('/api/v1/pods?watch=1&fieldSelector=status.phase%3DRunning', server.url), { agent: server.agent }, (res) => {
    let buf = '';
    res.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /"name":"([^"]+)"/.exec(line);
        if (m && line.startsWith('{"type":"ADDED"')) running.add(m[1]!);
      }
    });
  });
  watch.end();

  const t1 = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pods; i = next++) {
      const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, labels: { app: `a${i % 100}` } },
        spec: { nodeName: `sim-node-${i % nodes}`, containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } };
      const r = await call(server, 'POST', '/api/v1/namespaces/default/pods', body);
      if (r.status !== 201) throw new Error(`create p-${i}: ${r.status} ${r.body.slice(0, 200)}`);
    }
  };
  const progress = setInterval(() => console.log(`  ${((Date.now() - t1) / 1000).toFixed(0).padStart(5)}s: ${next} created, ${running.size} Running`), 10_000);
  try {
    await Promise.all(Array.from({ length: 32 }, worker));
    sample(`${pods} pods created (${((Date.now() - t1) / 1000).toFixed(1)}s)`);
    while (running.size < pods) {
      if (sim.exitCode !== null) throw new Error(`sim exited: ${simLog.slice(-2000)}`);
      await sleep(500);
    }
  } finally {
    clearInterval(progress);
    watch.destroy();
  }
  sample(`${pods} pods Running (${((Date.now() - t1) / 1000).toFixed(1)}s after first create)`);
  await sleep(15_000);
  sample(`steady, 15s later`);
} finally {
  sim.kill('SIGTERM');
  await new Promise((r) => sim.once('exit', r));
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
console.log('\n| step | server MiB | sim MiB | total MiB |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
const peak = Math.max(...rows.map((r) => Number(r[3])));
const TARGET_MIB = 4096;
console.log(`\npeak total ${peak} MiB; target (issue 3, at 5,000 nodes and 150,000 pods): ≤ ${TARGET_MIB} MiB → ${nodes >= 5000 && pods >= 150_000 ? (peak <= TARGET_MIB ? 'met' : 'NOT met') : 'not measured at full size'}`);
mkdirSync(join(repoRoot(), 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot(), 'bench', 'results', 'scale.json'), JSON.stringify({ nodes, pods, targetMiB: TARGET_MIB, peakMiB: peak, steps: rows.map(([step, server, sim, total]) => ({ step, serverMiB: Number(server), simMiB: Number(sim), totalMiB: Number(total) })) }, null, 2));
