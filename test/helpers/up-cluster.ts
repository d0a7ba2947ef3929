// A cluster made the way a user makes one: `k8ts up` (root; containerd, CNI), driven with the real
// kubectl, removed with `k8ts down`. Each one has its own data dir, ports, bridge, pod range and
// log dirs, so it never meets the machine's own cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, repoRoot, runCommand, type KubectlResult } from './cluster.js';
import { freePort } from './node.js';

export interface UpCluster {
  dir: string;
  kubeconfig: string;
  bridge: string;
  podLogsDir: string;
  /** What `k8ts up` printed. */
  upOutput: string;
  upMs: number;
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  kubectlRaw(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  kubectlSpawn(args: string[]): ChildProcess;
  /** DIR/up.json: pids and names of the running cluster. */
  state(): Promise<{ serverPid: number; agentPid: number; bridge: string; cgroupRoot: string }>;
  k8ts(args: string[], timeoutMs?: number): Promise<KubectlResult>;
  down(): Promise<KubectlResult>;
}

export async function startUpCluster(): Promise<UpCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'k8up-'));
  const tag = Math.random().toString(36).slice(2, 7);
  const bridge = `k8tsu${tag}`;
  const podLogsDir = join(dir, 'logs', 'pods');
  const k8ts = (args: string[], timeoutMs = 180_000) => runCommand(process.execPath, [join(repoRoot(), 'bin', 'k8ts'), ...args], process.env, timeoutMs);
  const t0 = Date.now();
  const up = await k8ts(['up', '--data-dir', dir, '--https-port', String(await freePort()), '--kubelet-port', String(await freePort()),
    '--node-ip', '127.0.0.1', '--bridge', bridge, '--cluster-cidr', `10.${200 + Math.floor(Math.random() * 50)}.0.0/16`,
    '--pod-logs-dir', podLogsDir, '--container-logs-dir', join(dir, 'logs', 'containers'), '--node-name', `up-${tag}`]);
  const upMs = Date.now() - t0;
  if (up.code !== 0) {
    await k8ts(['down', '--data-dir', dir]);
    throw new Error(`k8ts up failed (${up.code}):\n${up.stdout}\n${up.stderr}`);
  }
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache'), HOME: dir };
  const kubectlRaw: UpCluster['kubectlRaw'] = (args, o = {}) => runCommand(KUBECTL, args, env, o.timeoutMs ?? 60_000, o.input);
  return {
    dir, kubeconfig, bridge, podLogsDir, upOutput: up.stdout, upMs,
    kubectlRaw,
    async kubectl(args, o) {
      const r = await kubectlRaw(args, o);
      if (r.code !== 0) throw Object.assign(new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`), r);
      return r;
    },
    kubectlSpawn: (args) => spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }),
    state: async () => JSON.parse(await readFile(join(dir, 'up.json'), 'utf8')) as { serverPid: number; agentPid: number; bridge: string; cgroupRoot: string },
    k8ts,
    down: () => k8ts(['down', '--data-dir', dir]),
  };
}
