// `k8ts up` / `k8ts down`: a one-node cluster on this machine. The server and the agent run as
// background processes whose PIDs, ports and names are kept in DIR/up.json; containerd runs under
// DIR/agent/containerd. Down undoes all of it.
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { R, createClient, loadKubeconfig } from '../client/index.js';
import { ensurePauseImage } from '../kubelet/images/index.js';
import { removeCgroup } from '../kubelet/pods/cgroups.js';
import { CriClient } from '../kubelet/runtime/cri/index.js';
import { findContainerd, listMountsUnder, stopContainerd } from '../kubelet/runtime/containerd/index.js';
import { cleanupNetwork } from '../network/index.js';
import { defaultNodeIP } from './agent.js';
import { parseDuration } from './durations.js';
import { FlagError, type ParsedFlags } from './flags.js';
export { upCommand, downCommand } from './up-spec.js';

const run = promisify(execFile);
const APT_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins', 'iptables', 'gcc', 'libc6-dev'];
const CGROUP_ROOT = (tag: string) => `/k8ts-${tag}`;

/** What a cluster was made with; a later `k8ts up` on the same data dir reuses it. */
interface UpOptions {
  httpsPort: number;
  clusterCidr: string;
  nodeName: string;
  nodeIP: string;
  kubeletPort: string;
  logLevel: string;
}

interface UpState {
  options: UpOptions;
  serverPid: number;
  agentPid: number;
  bridge: string;
  cgroupRoot: string;
  podLogsDir: string;
  containerLogsDir: string;
  httpsPort: number;
  nodeName: string;
}

const say = (s: string) => process.stdout.write(`${s}\n`);
/** The k8ts launcher running now (bin/k8ts), so the background processes are the same build. */
const k8tsBin = (): string => (process.argv[1] && /k8ts(\.m?js)?$/.test(process.argv[1]) ? resolve(process.argv[1]) : resolve(new URL('../../../bin/k8ts', import.meta.url).pathname));

/** Running, and not a zombie waiting for a parent that may never reap it. */
function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/** What is missing on this machine for a node, as apt package names. */
export async function missingDeps(): Promise<string[]> {
  const missing = new Set<string>();
  const ctr = findContainerd();
  if (!ctr.ok) for (const m of ctr.missing) missing.add(m);
  const have = async (cmd: string, args: string[]) => run(cmd, args).then(() => true, () => false);
  if (!(await have('iptables', ['--version']))) missing.add('iptables');
  if (!(await have('cc', ['--version']))) { missing.add('gcc'); missing.add('libc6-dev'); }
  else if (!existsSync('/usr/lib/x86_64-linux-gnu/libc.a') && !existsSync('/usr/lib/aarch64-linux-gnu/libc.a') && !existsSync('/usr/lib/libc.a')) missing.add('libc6-dev');
  return APT_PACKAGES.filter((p) => missing.has(p));
}

// A one-machine cluster idles most of the time: a young generation of a few MiB (V8's default grows
// to 16 MiB per semi-space and stays committed) saves about 30 MiB of RSS across server and agent,
// for a little more scavenging under load. NODE_OPTIONS that already set it win.
const SEMI_SPACE_MIB = { server: 2, agent: 1 } as const;

function v8Flags(role: keyof typeof SEMI_SPACE_MIB): string[] {
  if ((process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) return [];
  return [`--max-semi-space-size=${SEMI_SPACE_MIB[role]}`];
}

function spawnDetached(args: string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const role = args[0] === 'server' ? 'server' : 'agent';
    const child = spawn(process.execPath, [...v8Flags(role), k8tsBin(), ...args], { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (!child.pid) throw new Error(`could not start k8ts ${args[0]}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function runUp(f: ParsedFlags): Promise<number> {
  const t0 = Date.now();
  const dir = resolve(f['data-dir'] ?? '');
  const timeoutMs = parseDuration('timeout', f.timeout ?? '120s');
  const httpsPort = Number(f['https-port']);
  if (!Number.isInteger(httpsPort) || httpsPort <= 0) throw new FlagError(`--https-port: not a port: ${f['https-port']}`);
  const statePath = join(dir, 'up.json');
  const prior = JSON.parse(await readFile(statePath, 'utf8').catch(() => '{}')) as Partial<UpState>;
  if (alive(prior.serverPid) && alive(prior.agentPid)) {
    say(`k8ts: a cluster is already up in ${dir} (server pid ${prior.serverPid}, agent pid ${prior.agentPid}).\n  export KUBECONFIG=${join(dir, 'kubeconfig.yaml')}`);
    return 0;
  }

  let missing = await missingDeps();
  if (missing.length && f['install-deps'] === 'true') {
    if (process.getuid?.() !== 0) { process.stderr.write('k8ts up --install-deps: run as root\n'); return 1; }
    say(`installing ${missing.join(' ')} with apt ...`);
    await run('apt-get', ['update', '-qq'], { maxBuffer: 64 << 20 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 << 20 });
    missing = await missingDeps();
  }
  if (missing.length) {
    process.stderr.write(`k8ts up: missing on this machine: ${missing.join(', ')}\n  install them:  apt-get install -y ${missing.join(' ')}\n  or run:        k8ts up --install-deps   (as root)\n`);
    return 1;
  }
  if (process.getuid?.() !== 0) { process.stderr.write('k8ts up: a node runs containers through containerd and CNI: run as root\n'); return 1; }

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tag = dir.replace(/[^a-zA-Z0-9]/g, '').slice(-8) || 'default';
  // A cluster made before keeps its settings (ports, ranges, names): only its processes are restarted.
  const state: UpState = prior.options ? { ...(prior as UpState), serverPid: prior.serverPid ?? 0, agentPid: 0 } : {
    options: {
      httpsPort, clusterCidr: f['cluster-cidr'] ?? '10.42.0.0/16', nodeName: f['node-name'] ?? '', nodeIP: f['node-ip'] || defaultNodeIP(),
      kubeletPort: f['kubelet-port'] ?? '10250', logLevel: f['log-level'] ?? 'info',
    },
    serverPid: 0, agentPid: 0, bridge: f.bridge ?? 'k8ts0', cgroupRoot: CGROUP_ROOT(tag),
    podLogsDir: resolve(f['pod-logs-dir'] ?? '/var/log/pods'), containerLogsDir: resolve(f['container-logs-dir'] ?? '/var/log/containers'),
    httpsPort, nodeName: f['node-name'] || '',
  };
  if (prior.options) say(`k8ts: restarting the cluster in ${dir} with the settings it was made with`);
  const o = state.options;
  // The pause image is built before anything starts, so its cost shows here rather than as a slow node.
  await ensurePauseImage(join(dir, 'agent', 'images'));
  state.serverPid = alive(prior.serverPid) ? prior.serverPid! : spawnDetached(
    ['server', '--data-dir', join(dir, 'server'), '--https-port', String(o.httpsPort), '--cluster-cidr', o.clusterCidr, '--log-level', o.logLevel],
    join(dir, 'server.log'));
  await writeFile(statePath, JSON.stringify(state, null, 2));
  const adminKubeconfig = join(dir, 'server', 'kubeconfig.yaml');
  const deadline = t0 + timeoutMs;
  let client;
  for (;;) {
    if (!alive(state.serverPid)) { process.stderr.write(`k8ts up: the server exited; its log (${join(dir, 'server.log')}):\n${await tail(join(dir, 'server.log'))}\n`); return 1; }
    if (existsSync(adminKubeconfig)) {
      try {
        client ??= createClient(loadKubeconfig(adminKubeconfig));
        await client.list(R.namespaces, '', { limit: 1 });
        break;
      } catch { /* not serving yet */ }
    }
    if (Date.now() > deadline) { process.stderr.write('k8ts up: the server did not answer in time\n'); return 1; }
    await new Promise((r) => setTimeout(r, 100));
  }
  const serverAt = Date.now();
  state.agentPid = spawnDetached([
    'agent', '--kubeconfig', adminKubeconfig, '--data-dir', join(dir, 'agent'), '--node-ip', o.nodeIP,
    '--kubelet-port', o.kubeletPort, '--bridge', state.bridge, '--cgroup-root', state.cgroupRoot,
    '--pod-logs-dir', state.podLogsDir, '--container-logs-dir', state.containerLogsDir, '--log-level', o.logLevel,
    ...(o.nodeName ? ['--node-name', o.nodeName] : []),
  ], join(dir, 'agent.log'));
  await writeFile(statePath, JSON.stringify(state, null, 2));
  for (;;) {
    if (!alive(state.agentPid)) { process.stderr.write(`k8ts up: the agent exited; its log (${join(dir, 'agent.log')}):\n${await tail(join(dir, 'agent.log'))}\n`); return 1; }
    const nodes = await client.list(R.nodes, '').catch(() => undefined);
    const ready = (nodes?.items ?? []).find((n) => ((n as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready) { state.nodeName = ready.metadata?.name ?? state.nodeName; break; }
    if (Date.now() > deadline) { process.stderr.write(`k8ts up: the node was not Ready within ${f.timeout}; agent log:\n${await tail(join(dir, 'agent.log'))}\n`); return 1; }
    await new Promise((r) => setTimeout(r, 100));
  }
  await writeFile(statePath, JSON.stringify(state, null, 2));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await copyFile(adminKubeconfig, kubeconfig);
  const secs = (ms: number) => (ms / 1000).toFixed(1);
  say(`k8ts: cluster up in ${secs(Date.now() - t0)}s (API server ${secs(serverAt - t0)}s, node ${state.nodeName} Ready ${secs(Date.now() - serverAt)}s later).

  export KUBECONFIG=${kubeconfig}
  kubectl get nodes
  kubectl create deployment web --image=REGISTRY/IMAGE --replicas=2

or, without a kubectl of your own:  k8ts kubectl --data-dir ${dir} get nodes
Logs: ${join(dir, 'server.log')}, ${join(dir, 'agent.log')}. Stop and remove it all: k8ts down --data-dir ${dir}`);
  return 0;
}

async function stopPid(pid: number | undefined, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid!, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid!, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
}

export async function runDown(f: ParsedFlags): Promise<number> {
  const dir = resolve(f['data-dir'] ?? '');
  const state = JSON.parse(await readFile(join(dir, 'up.json'), 'utf8').catch(() => '{}')) as Partial<UpState>;
  if (!state.serverPid && !existsSync(join(dir, 'agent'))) { say(`k8ts down: no cluster in ${dir}`); return 0; }
  await stopPid(state.agentPid, 15_000);
  const ctrdDir = join(dir, 'agent', 'containerd');
  const socket = join(ctrdDir, 'containerd.sock');
  const logDirs: string[] = [];
  if (existsSync(socket)) {
    const cri = new CriClient(`unix://${socket}`, { timeoutMs: 60_000 });
    try {
      const sandboxes = await cri.listPodSandbox();
      for (const s of sandboxes) {
        const m = s.metadata;
        if (m) logDirs.push(join(state.podLogsDir ?? '/var/log/pods', `${m.namespace}_${m.name}_${m.uid}`));
        const ctrs = await cri.listContainers({ pod_sandbox_id: s.id });
        for (const c of ctrs) await cri.stopContainer(c.id, 2).catch(() => undefined);
        await cri.stopPodSandbox(s.id).catch(() => undefined);
        await cri.removePodSandbox(s.id).catch(() => undefined);
        for (const c of ctrs) {
          const name = c.labels['io.kubernetes.container.name'];
          if (name && m) await rm(join(state.containerLogsDir ?? '/var/log/containers', `${m.name}_${m.namespace}_${name}-${c.id}.log`), { force: true });
        }
      }
    } catch (e) {
      process.stderr.write(`k8ts down: removing pods failed: ${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
      cri.close();
    }
  }
  await stopContainerd(ctrdDir);
  await stopPid(state.serverPid, 15_000);
  const report = await cleanupNetwork({ bridgeName: state.bridge ?? 'k8ts0' }).catch((e: unknown) => { process.stderr.write(`k8ts down: network cleanup: ${String(e)}\n`); return undefined; });
  for (const m of await listMountsUnder(dir)) await run('umount', ['-l', m]).catch(() => undefined);
  if (state.cgroupRoot) await removeCgroup(state.cgroupRoot);
  for (const d of logDirs) await rm(d, { recursive: true, force: true });
  if (f['keep-data'] !== 'true') await rm(dir, { recursive: true, force: true });
  else await rm(join(dir, 'up.json'), { force: true });
  const left = existsSync(dir) ? await readdir(dir) : [];
  say(`k8ts down: stopped${report?.bridgeRemoved ? `, bridge ${state.bridge} removed` : ''}${f['keep-data'] === 'true' ? `; data kept in ${dir} (${left.join(', ')})` : `; ${dir} removed`}.`);
  return 0;
}
