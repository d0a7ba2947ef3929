// Start `k8ts server` as its own process (benchmarks, crash tests), and talk to it over HTTPS as the admin.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { readKubeconfig } from '../../src/apiserver/auth/index.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  agent: Agent;
  rssMiB(): number;
  /** The server's log (stderr) so far, the last MiB at most. */
  log(): string;
  stop(): Promise<void>;
}

export async function startServerProcess(repoRoot: string, dataDir: string, extraArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(process.env.K8TS_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.K8TS_PROFILE_DIR] : []), join(repoRoot, 'bin', 'k8ts'), 'server', '--data-dir', dataDir, '--https-port', '0', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-(1 << 20)); });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        try {
          const j = JSON.parse(line) as { address?: string };
          if (j.address) { child.stderr?.off('data', onData); resolve(j.address); return; }
        } catch { /* partial line */ }
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${buf}`)));
  });
  const kc = await readKubeconfig(join(dataDir, 'kubeconfig.yaml'));
  const agent = new Agent({ keepAlive: true, maxSockets: 256, ca: kc.caPem, cert: kc.certPem, key: kc.keyPem });
  return {
    child, url, agent,
    log: () => log,
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0');
      return kb / 1024;
    },
    stop: async () => {
      agent.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
    },
  };
}

export interface Reply { status: number; body: string }

export function call(s: ServerProcess, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const u = new URL(path, s.url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent: s.agent,
      headers: payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
