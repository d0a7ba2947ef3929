// A whole cluster as a user runs it: `k8ts server` and `k8ts sim` as processes, the real kubectl.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { repoRoot, runCommand, KUBECTL, type KubectlResult } from './cluster.js';

export interface SimProcess { child: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> }

export interface SimCluster {
  dir: string;
  kubeconfig: string;
  server: ServerProcess;
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  kubectlRaw(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** `k8ts sim --kubeconfig ... ARGS`; resolves once it has started (its nodes may still be registering). */
  startSim(args: string[]): Promise<SimProcess>;
  stop(): Promise<void>;
}

export async function startSimCluster(serverArgs: string[] = []): Promise<SimCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-sim-'));
  const server = await startServerProcess(repoRoot(), dir, serverArgs);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache'), HOME: dir };
  const sims: SimProcess[] = [];

  const kubectlRaw: SimCluster['kubectlRaw'] = (args, o = {}) => runCommand(KUBECTL, args, env, o.timeoutMs ?? 60_000, o.input);
  const kubectl: SimCluster['kubectl'] = async (args, o) => {
    const r = await kubectlRaw(args, o);
    if (r.code !== 0) throw Object.assign(new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`), r);
    return r;
  };

  const startSim: SimCluster['startSim'] = async (args) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'k8ts'), 'sim', '--kubeconfig', kubeconfig, ...args],
      { stdio: ['ignore', 'ignore', process.env.K8TS_TEST_LOG ? 'inherit' : 'ignore'], env: process.env });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    const sim: SimProcess = {
      child,
      stop: async (signal = 'SIGTERM') => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        await new Promise<void>((r) => { child.once('exit', () => r()); child.kill(signal); });
      },
    };
    sims.push(sim);
    return sim;
  };

  return {
    dir, kubeconfig, server, kubectl, kubectlRaw, startSim,
    stop: async () => {
      await Promise.all(sims.map((s) => s.stop('SIGKILL')));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
