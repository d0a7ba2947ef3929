// Starting and stopping one node's own containerd. Layout under dataDir:
//   config.toml       written at every start (renderContainerdConfig)
//   root/, state/     containerd's root and state (runc's root is state/runc)
//   containerd.sock   gRPC (CRI) socket; containerd.sock.ttrpc beside it
//   containerd.log    containerd's stdout and stderr
// containerd runs in its own session (setsid), optionally inside a network namespace (nsenter, not
// `ip netns exec`, which remounts /sys). It is ready when the CRI Version RPC answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { CriClient, isUnimplemented } from '../cri/index.js';
import { CNI_BIN_DIRS, findExecutable, renderContainerdConfig, type ContainerdConfigOptions } from './config.js';

/** Longest unix socket path (sun_path is 108 bytes with the terminating NUL). */
export const MAX_UNIX_SOCKET_PATH = 107;

/** The apt packages a containerd node needs on Debian/Ubuntu. */
export const CONTAINERD_APT_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins'] as const;

export interface ContainerdBinaries {
  containerd: string;
  runc: string;
  /** containerd's CLI (image import); may be absent. */
  ctr?: string;
  /** Directory holding the CNI plugins (bridge, host-local, portmap, loopback). */
  cniBinDir: string;
}

export type FindContainerdResult =
  | ({ ok: true } & ContainerdBinaries)
  | { ok: false; missing: string[]; message: string };

const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];

/** Locates containerd, runc and the CNI plugins; when some are missing, says which apt packages to install. */
export function findContainerd(): FindContainerdResult {
  const containerd = findExecutable('containerd');
  const runc = existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : findExecutable('runc');
  const ctr = findExecutable('ctr');
  const cniBinDir = CNI_BIN_DIRS.find((d) => CNI_PLUGINS.every((p) => existsSync(join(d, p))));
  const missing: string[] = [];
  if (!containerd) missing.push('containerd');
  if (!runc) missing.push('runc');
  if (!cniBinDir) missing.push('containernetworking-plugins');
  if (containerd && runc && cniBinDir) {
    return { ok: true, containerd, runc, cniBinDir, ...(ctr ? { ctr } : {}) };
  }
  return {
    ok: false,
    missing,
    message: `missing ${missing.join(', ')} (CNI plugins looked for in ${CNI_BIN_DIRS.join(' and ')}); ` +
      `install with: apt-get install -y ${CONTAINERD_APT_PACKAGES.join(' ')}`,
  };
}

export interface StartContainerdOptions {
  /** The node's containerd directory; keep it short (the socket path must fit in 107 bytes). */
  dataDir: string;
  /** Port of the exec/attach/port-forward stream server (on streamAddress, default 127.0.0.1). */
  streamPort: number;
  streamAddress?: string;
  /** Pause image; it must be importable or pullable (see src/kubelet/images). */
  sandboxImage: string;
  cniConfDir: string;
  registryConfigDir?: string;
  /** Run containerd inside this network namespace (e.g. /run/netns/NODE), via nsenter. */
  netns?: string;
  /** How long to wait for the CRI to answer. Default 20 s. */
  readyTimeoutMs?: number;
  /** Extra config settings (binary paths, log level, …). */
  config?: Partial<Omit<ContainerdConfigOptions, 'root' | 'state' | 'grpcAddress' | 'sandboxImage' | 'streamPort' | 'cniConfDir'>>;
  log?: Logger;
}

export interface StopContainerdOptions {
  /** Stop and remove every pod sandbox (and so its containers and shims) through CRI first. Default false. */
  removePods?: boolean;
  /** How long to wait after SIGTERM before SIGKILL. Default 10 s. */
  graceMs?: number;
}

export interface ContainerdProcess {
  /** CRI endpoint: `unix://` + socket path. */
  address: string;
  /** The socket path itself. */
  socketPath: string;
  pid: number;
  dataDir: string;
  configPath: string;
  logPath: string;
  /** Resolves when containerd has exited (with its exit code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. Idempotent. */
  stop(opts?: StopContainerdOptions): Promise<void>;
}

export interface ContainerdLayout {
  dataDir: string;
  configPath: string;
  root: string;
  state: string;
  socketPath: string;
  ttrpcPath: string;
  logPath: string;
}

export function containerdLayout(dataDir: string): ContainerdLayout {
  const d = resolve(dataDir);
  return {
    dataDir: d,
    configPath: join(d, 'config.toml'),
    root: join(d, 'root'),
    state: join(d, 'state'),
    socketPath: join(d, 'containerd.sock'),
    ttrpcPath: join(d, 'containerd.sock.ttrpc'),
    logPath: join(d, 'containerd.log'),
  };
}

/** Last `bytes` of a file as text ('' if unreadable). */
export async function readTail(path: string, bytes = 4096): Promise<string> {
  try {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts containerd for one node and waits until its CRI answers Version. */
export async function startContainerd(o: StartContainerdOptions): Promise<ContainerdProcess> {
  const found = findContainerd();
  if (!found.ok) throw new Error(`cannot start containerd: ${found.message}`);
  const L = containerdLayout(o.dataDir);
  if (Buffer.byteLength(L.ttrpcPath) > MAX_UNIX_SOCKET_PATH) {
    throw new Error(`containerd data dir too long for a unix socket (${L.ttrpcPath} > ${MAX_UNIX_SOCKET_PATH} bytes)`);
  }
  await mkdir(L.root, { recursive: true, mode: 0o711 });
  await mkdir(L.state, { recursive: true, mode: 0o711 });
  const text = renderContainerdConfig({
    runcBinary: found.runc,
    cniBinDir: found.cniBinDir,
    ...o.config,
    root: L.root,
    state: L.state,
    grpcAddress: L.socketPath,
    ttrpcAddress: L.ttrpcPath,
    sandboxImage: o.sandboxImage,
    streamPort: o.streamPort,
    ...(o.streamAddress ? { streamAddress: o.streamAddress } : {}),
    cniConfDir: o.cniConfDir,
    ...(o.registryConfigDir ? { registryConfigDir: o.registryConfigDir } : {}),
  });
  await writeFile(`${L.configPath}.tmp`, text);
  await rename(`${L.configPath}.tmp`, L.configPath);
  await mkdir(o.cniConfDir, { recursive: true });

  const argv = o.netns
    ? { cmd: findExecutable('nsenter') ?? 'nsenter', args: [`--net=${o.netns}`, found.containerd, '--config', L.configPath] }
    : { cmd: found.containerd, args: ['--config', L.configPath] };
  const logFd = openSync(L.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(argv.cmd, argv.args, { detached: true, stdio: ['ignore', logFd, logFd], env: process.env });
    // containerd outlives the process that started it (an agent restart keeps the pods running).
    child.unref();
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
    child.once('error', () => res({ code: null, signal: null }));
  });
  let gone = false;
  void exited.then(() => { gone = true; });
  const spawnError = new Promise<Error>((res) => child.once('error', res));
  const pid = child.pid;
  if (pid === undefined) {
    const e = await spawnError;
    throw new Error(`cannot start containerd (${argv.cmd}): ${e.message}`);
  }
  o.log?.info({ pid, dataDir: L.dataDir, netns: o.netns }, 'containerd starting');

  const address = `unix://${L.socketPath}`;
  let stopping: Promise<void> | undefined;
  const stop = (opts: StopContainerdOptions = {}): Promise<void> => {
    stopping ??= (async () => {
      if (opts.removePods && !gone) await removeAllPods(address, o.log);
      if (gone) return;
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      const grace = opts.graceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), grace); });
      const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        o.log?.warn({ pid }, 'containerd did not stop on SIGTERM; SIGKILL');
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
        await exited;
      }
      o.log?.info({ pid }, 'containerd stopped');
    })();
    return stopping;
  };

  // Wait until the CRI answers (or containerd dies, or time runs out).
  const deadline = Date.now() + (o.readyTimeoutMs ?? 20_000);
  const client = new CriClient(address, { timeoutMs: 2_000 });
  let lastError = '';
  try {
    for (;;) {
      if (gone) {
        const how = await exited;
        throw new Error(`containerd exited during start (code ${how.code}, signal ${how.signal}); ` +
          `log ${L.logPath}:\n${await readTail(L.logPath)}`);
      }
      if (existsSync(L.socketPath)) {
        try {
          await client.version();
          break;
        } catch (e) {
          lastError = e instanceof Error ? e.message : String(e);
          // containerd serves but without the CRI plugin (it failed to load): waiting will not help.
          if (isUnimplemented(e)) {
            await stop({ graceMs: 2_000 });
            throw new Error(`containerd started without its CRI plugin (${lastError}); log ${L.logPath}:\n${await readTail(L.logPath)}`);
          }
        }
      }
      if (Date.now() > deadline) {
        await stop({ graceMs: 2_000 });
        throw new Error(`containerd did not answer CRI Version within ${o.readyTimeoutMs ?? 20_000} ms` +
          `${lastError ? ` (last error: ${lastError})` : ''}; log ${L.logPath}:\n${await readTail(L.logPath)}`);
      }
      await sleep(25);
    }
  } finally {
    client.close();
  }
  o.log?.info({ pid, address }, 'containerd ready');
  return {
    address, socketPath: L.socketPath, pid, dataDir: L.dataDir, configPath: L.configPath, logPath: L.logPath,
    exited, stop,
  };
}

/**
 * Stops and removes every pod sandbox the runtime knows (their containers and shims go with them),
 * so that nothing keeps running once containerd stops. Errors are logged, not thrown.
 */
export async function removeAllPods(address: string, log?: Logger): Promise<void> {
  const client = new CriClient(address, { timeoutMs: 30_000 });
  try {
    const pods = await client.listPodSandbox();
    await Promise.all(pods.map(async (p) => {
      try {
        await client.stopPodSandbox(p.id);
        await client.removePodSandbox(p.id);
      } catch (e) {
        log?.warn({ err: e, sandbox: p.id }, 'removing pod sandbox failed');
      }
    }));
  } catch (e) {
    log?.warn({ err: e }, 'listing pod sandboxes failed');
  } finally {
    client.close();
  }
}

/** Mount points at or under `dir` (from /proc/self/mountinfo), deepest first: what a teardown must unmount. */
export async function listMountsUnder(dir: string): Promise<string[]> {
  const d = resolve(dir);
  try {
    const text = await readFile('/proc/self/mountinfo', 'utf8');
    const points = text.split('\n').map((l) => (l.split(' ')[4] ?? '').replace(/\\040/g, ' '));
    return points.filter((m) => m === d || m.startsWith(`${d}/`)).sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}
