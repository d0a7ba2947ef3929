// bench/up: how fast `k8ts up` gives a Ready node and a first Running pod, and what the idle
// cluster (server + agent + containerd) holds in memory. Needs root and the compiled CLI.
//   npm run bench:up -- [runs=3]
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../test/helpers/cluster.js';
import { freePort } from '../../test/helpers/node.js';
import { startTestRegistry } from '../../test/helpers/registry.js';

const run = promisify(execFile);
const runs = Number(process.argv[2] ?? 3);
const k8ts = join(repoRoot(), 'bin', 'k8ts');
const rssMiB = (pid: number): number => {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024; } catch { return 0; }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };

if (process.getuid?.() !== 0) { console.error('bench/up needs root (containerd, CNI)'); process.exit(1); }
const registry = await startTestRegistry();
interface Row { readyMs: number; podMs: number; server: number; agent: number; containerd: number; total: number }
const rows: Row[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-benchup-'));
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
    try {
      const t0 = Date.now();
      await run(process.execPath, [k8ts, 'up', '--data-dir', dir, '--https-port', String(await freePort()), '--kubelet-port', String(await freePort()),
        '--node-ip', '127.0.0.1', '--bridge', 'k8tsbench', '--cluster-cidr', '10.249.0.0/16',
        '--pod-logs-dir', join(dir, 'logs', 'pods'), '--container-logs-dir', join(dir, 'logs', 'containers')]);
      const readyMs = Date.now() - t0;
      // The image is present before the first pod (as the issue measures): pulled into the new containerd first.
      const sock = join(dir, 'agent', 'containerd', 'containerd.sock');
      await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'pull', '--plain-http', registry.images.web]);
      const t1 = Date.now();
      await run('kubectl', ['run', 'first', `--image=${registry.images.web}`, '--image-pull-policy=IfNotPresent'], { env });
      await run('kubectl', ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/first', '--timeout=60s'], { env });
      const podMs = Date.now() - t1;
      await run('kubectl', ['delete', 'pod', 'first', '--wait=true'], { env });
      await sleep(20_000); // idle: no pods, heartbeats only
      const st = JSON.parse(readFileSync(join(dir, 'up.json'), 'utf8')) as { serverPid: number; agentPid: number };
      const ctrdPid = Number(readFileSync(join(dir, 'agent', 'containerd', 'containerd.pid'), 'utf8').trim());
      const r: Row = { readyMs, podMs, server: rssMiB(st.serverPid), agent: rssMiB(st.agentPid), containerd: rssMiB(ctrdPid), total: 0 };
      r.total = r.server + r.agent + r.containerd;
      rows.push(r);
      console.log(`run ${i + 1}: up→Ready ${(readyMs / 1000).toFixed(2)} s, pod created→Running ${podMs} ms, idle RSS server ${r.server.toFixed(0)} + agent ${r.agent.toFixed(0)} + containerd ${r.containerd.toFixed(0)} = ${r.total.toFixed(0)} MiB`);
    } finally {
      await run(process.execPath, [k8ts, 'down', '--data-dir', dir]).catch((e: unknown) => console.error('down failed', e));
      await rm(dir, { recursive: true, force: true });
    }
  }
} finally {
  await registry.stop();
}
const ready = median(rows.map((r) => r.readyMs)) / 1000;
const first = median(rows.map((r) => r.readyMs + r.podMs)) / 1000;
const idle = median(rows.map((r) => r.total));
console.log(`
| measure (median of ${rows.length}) | k8ts | target / others |
|---|---|---|
| \`k8ts up\` → node Ready | ${ready.toFixed(1)} s | ≤ 10 s (k3d ~20 s, kind ~33 s, minikube ~51 s) → ${ready <= 10 ? 'met' : 'NOT met'} |
| \`k8ts up\` → first pod Running (image present) | ${first.toFixed(1)} s | — |
| first pod created → Running | ${median(rows.map((r) => r.podMs))} ms | — |
| idle RSS server + agent + containerd | ${idle.toFixed(0)} MiB (${median(rows.map((r) => r.server)).toFixed(0)} + ${median(rows.map((r) => r.agent)).toFixed(0)} + ${median(rows.map((r) => r.containerd)).toFixed(0)}) | ≤ 250 MiB (k3s documents 512 MiB+ for a server) → ${idle <= 250 ? 'met' : 'NOT met'} |

Server and agent run as separate processes, as \`k8ts up\` starts them; 2-core machine, other work may share it.`);
mkdirSync(join(repoRoot(), 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot(), 'bench', 'results', 'up.json'), JSON.stringify({ runs: rows, medianReadySeconds: ready, medianFirstPodSeconds: first, medianIdleMiB: idle, targets: { readySeconds: 10, idleMiB: 250 } }, null, 2));
