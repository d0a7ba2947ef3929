// The node's containerd: reuse the one already answering on the data dir's socket (pods keep
// running across agent restarts), or start it — with the pause image imported — and remember its
// PID in the data dir so `k8ts down` can stop it.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensurePauseImage, importImageArchive, PAUSE_IMAGE } from '../../images/index.js';
import { CriClient } from '../cri/index.js';
import { containerdLayout, startContainerd } from './process.js';

export interface EnsureContainerdOptions {
  dataDir: string;
  cniConfDir: string;
  registryConfigDir?: string;
  /** Where the pause image archive is built once. */
  cacheDir: string;
  log?: Logger;
}

export interface NodeContainerd {
  address: string;
  socketPath: string;
  pid: number | undefined;
  /** True when this call started it. */
  started: boolean;
}

const pidFile = (dataDir: string): string => join(dataDir, 'containerd.pid');

async function answers(address: string): Promise<boolean> {
  const c = new CriClient(address, { timeoutMs: 2_000 });
  try { await c.version(); return true; } catch { return false; } finally { c.close(); }
}

/** A TCP port free on 127.0.0.1 right now (another process may still take it before it binds). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function ensureContainerd(o: EnsureContainerdOptions): Promise<NodeContainerd> {
  const L = containerdLayout(o.dataDir);
  const address = `unix://${L.socketPath}`;
  if (existsSync(L.socketPath) && await answers(address)) {
    const pid = Number((await readFile(pidFile(o.dataDir), 'utf8').catch(() => '')).trim()) || undefined;
    o.log?.info({ address, pid }, 'using the running containerd');
    return { address, socketPath: L.socketPath, pid, started: false };
  }
  const pause = await ensurePauseImage(o.cacheDir);
  const proc = await startContainerd({
    dataDir: o.dataDir, streamPort: await freeLoopbackPort(), sandboxImage: PAUSE_IMAGE, cniConfDir: o.cniConfDir,
    ...(o.registryConfigDir ? { registryConfigDir: o.registryConfigDir } : {}), ...(o.log ? { log: o.log } : {}),
  });
  await writeFile(pidFile(o.dataDir), `${proc.pid}\n`);
  await importImageArchive({ address: proc.socketPath, archive: pause.archive });
  return { address: proc.address, socketPath: proc.socketPath, pid: proc.pid, started: true };
}

/** Stops the containerd a data dir's pid file names (SIGTERM, then SIGKILL), if it runs. */
export async function stopContainerd(dataDir: string, graceMs = 10_000): Promise<boolean> {
  const pid = Number((await readFile(pidFile(dataDir), 'utf8').catch(() => '')).trim());
  if (!pid) return false;
  const alive = () => {
    try { process.kill(pid, 0); } catch { return false; }
    // A zombie (exited, not reaped yet) counts as stopped.
    try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
  };
  if (!alive()) { await rm(pidFile(dataDir), { force: true }); return false; }
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
  while (alive()) await new Promise((r) => setTimeout(r, 20));
  await rm(pidFile(dataDir), { force: true });
  return true;
}
