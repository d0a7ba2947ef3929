// A throwaway containerd for tests (root only): its own root, state, sockets and runc root in a
// temp dir, configured as /work/shared/RUNTIME.md says (restrict_oom_score_adj, runc, cgroupfs).
// It exists so image tests can import, pull and run with `ctr`; the product's launcher lives in
// src/kubelet/runtime/containerd and is what kubelet tests should use.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAUSE_IMAGE } from '../../src/kubelet/images/index.js';

export interface CtrResult { code: number; stdout: string; stderr: string }

export interface RunningCtr {
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves when the text appears in the output; rejects after timeoutMs or if ctr exits first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** ctr's exit code (for `ctr run`, the container's). */
  exit: Promise<number>;
}

export interface PrivateContainerd {
  /** gRPC socket path, for `ctr -a`. */
  address: string;
  dir: string;
  /** Give to `ctr run --runc-root` / `--fifo-dir` so nothing lands in the host's /run/containerd. */
  runcRoot: string;
  fifoDir: string;
  /** Runs `ctr -a ADDRESS -n k8s.io ARGS...`; resolves with the exit code (never rejects on status). */
  ctr(args: readonly string[], opts?: { timeoutMs?: number }): Promise<CtrResult>;
  /** Starts `ctr -a ADDRESS -n k8s.io ARGS...` (e.g. a foreground `run`) and streams its output. */
  spawn(args: readonly string[]): RunningCtr;
  /** The containerd log so far (for assertion messages). */
  log(): string;
  stop(): Promise<void>;
}

export async function startPrivateContainerd(): Promise<PrivateContainerd> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-ctrd-'));
  const address = join(dir, 'containerd.sock');
  const runcRoot = join(dir, 'runc');
  const fifoDir = join(dir, 'fifo');
  await Promise.all([runcRoot, fifoDir, join(dir, 'cni')].map((d) => mkdir(d, { recursive: true })));
  const config = join(dir, 'config.toml');
  await writeFile(config, `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "${address}"
[ttrpc]
  address = "${dir}/containerd-ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  tolerate_missing_hugetlb_controller = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
        Root = "${runcRoot}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni"
    max_conf_num = 1
`);
  const logPath = join(dir, 'containerd.log');
  const logFd = openSync(logPath, 'a');
  const child: ChildProcess = spawn('containerd', ['--config', config], { stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  // A test that fails before stop() must not keep the runner alive or leave containerd behind.
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };

  const ctr = (args: readonly string[], opts: { timeoutMs?: number } = {}) =>
    new Promise<CtrResult>((resolve) => {
      execFile('ctr', ['-a', address, '-n', 'k8s.io', ...args], { timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  const spawnCtr = (args: readonly string[]): RunningCtr => {
    const p = spawn('ctr', ['-a', address, '-n', 'k8s.io', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const listeners = new Set<() => void>();
    const onData = (d: Buffer) => { out += d.toString(); for (const l of listeners) l(); };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', onData);
    let exitCode: number | undefined;
    const exit = new Promise<number>((resolve) => p.once('close', (code) => { exitCode = code ?? -1; for (const l of listeners) l(); resolve(exitCode); }));
    const waitFor = (text: string, timeoutMs = 15_000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(text)) { done(); resolve(); } else if (exitCode !== undefined) { done(); reject(new Error(`ctr exited ${exitCode} before printing ${JSON.stringify(text)}: ${out}`)); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`no ${JSON.stringify(text)} within ${timeoutMs} ms: ${out}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); listeners.delete(check); };
      listeners.add(check);
      check();
    });
    return { output: () => out, waitFor, exit };
  };

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Containers a failed test left behind: delete them so their shims exit and mounts go.
      const tasks = (await ctr(['task', 'ls', '-q'], { timeoutMs: 5_000 })).stdout.split('\n').filter(Boolean);
      for (const id of tasks) await ctr(['task', 'delete', '--force', id], { timeoutMs: 10_000 });
      const containers = (await ctr(['containers', 'ls', '-q'], { timeoutMs: 5_000 })).stdout.split('\n').filter(Boolean);
      for (const id of containers) await ctr(['containers', 'delete', id], { timeoutMs: 10_000 });
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    unmountUnder(dir);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) { const l = log(); await rm(dir, { recursive: true, force: true }); throw new Error(`containerd exited ${child.exitCode}: ${l}`); }
    if ((await ctr(['version'], { timeoutMs: 2_000 })).code === 0) break;
    if (Date.now() > deadline) { await stop(); throw new Error(`containerd did not answer on ${address}: ${log()}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { address, dir, runcRoot, fifoDir, ctr, spawn: spawnCtr, log, stop };
}

/** Leftover overlay/shm mounts below dir would make rm fail; lazily unmount them, deepest first. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* best effort */ }
  }
}
