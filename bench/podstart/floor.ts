// The floors pod start is held against, on the same containerd and image as the pods:
//  - ctr: `ctr run` of the image through containerd's own client (no CRI, no sandbox, no CNI), timed
//    around the process. `-d` returns once the task has started (what "container started" means for
//    a pod); `--rm … true` also waits for exit and removes it (RUNTIME.md's ~87 ms figure).
//  - cri: RunPodSandbox + CreateContainer + StartContainer straight through CriClient with the
//    configs the kubelet itself builds (src/kubelet/pods/cri-config.ts) and the node's CNI network:
//    the best a kubelet on this runtime can do. Its sandboxes carry another node label, so the
//    node's kubelet leaves them alone.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pod } from '../../src/kubelet/api-types.js';
import { containerConfig, podLogDir, sandboxConfig, type SandboxContext } from '../../src/kubelet/pods/cri-config.js';
import { L_NODE } from '../../src/kubelet/pods/labels.js';
import type { CriClient } from '../../src/kubelet/runtime/cri/index.js';
import { slidingWindow } from './window.js';
import { wallMs } from './tap.js';

const run = promisify(execFile);

export interface CtrTarget {
  /** containerd's socket path. */
  socket: string;
  /** runc's --root as the node's containerd configures it (never the host's /run/containerd/runc). */
  runcRoot: string;
  /** Where ctr puts its I/O fifos (never the host's /run/containerd/fifo). */
  fifoDir: string;
  /** A cgroup parent of the bench's own (removed afterwards). */
  cgroupRoot: string;
  image: string;
}

const ctr = (t: CtrTarget, args: string[]) => run('ctr', ['-a', t.socket, '-n', 'k8s.io', ...args], { timeout: 60_000 });

const ctrRunArgs = (t: CtrTarget, id: string) => ['run', '--null-io', '--runc-root', t.runcRoot, '--fifo-dir', t.fifoDir, '--cgroup', `${t.cgroupRoot}/${id}`];

export type CtrMode = 'detach' | 'rm-true';

/** One `ctr run`, timed around the process (ms). `detach` leaves the container running: remove it with cleanCtr. */
export async function ctrRun(t: CtrTarget, mode: CtrMode, id: string): Promise<number> {
  await mkdir(t.fifoDir, { recursive: true });
  const args = mode === 'detach' ? [...ctrRunArgs(t, id), '-d', t.image, id] : [...ctrRunArgs(t, id), '--rm', t.image, id, 'true'];
  const t0 = wallMs();
  await ctr(t, args);
  return wallMs() - t0;
}

/** Kills and removes detached ctr containers. */
export async function cleanCtr(t: CtrTarget, ids: readonly string[]): Promise<void> {
  await slidingWindow(ids.length, 10, (i) => removeCtrContainer(t, ids[i]!));
}

async function removeCtrContainer(t: CtrTarget, id: string): Promise<void> {
  await ctr(t, ['task', 'kill', '-s', 'SIGKILL', id]).catch(() => undefined);
  for (let tries = 0; tries < 50; tries++) {
    try { await ctr(t, ['task', 'delete', id]); break; } catch (e) {
      if (/not found/.test(String((e as { stderr?: string }).stderr))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await ctr(t, ['container', 'delete', id]).catch(() => undefined);
}

export interface CriSample {
  total: number;
  runPodSandbox: number;
  createContainer: number;
  startContainer: number;
}

export interface CriFloorTarget {
  cri: CriClient;
  image: string;
  /** Log and cgroup roots of the bench's own. */
  podLogsDir: string;
  cgroupRoot: string;
}

export const FLOOR_NODE = 'k8ts-bench-floor';

/** RunPodSandbox + CreateContainer + StartContainer for one pod-like sandbox; it stays until cleanCriFloor. */
export async function criStart(t: CriFloorTarget, name: string): Promise<CriSample> {
  const ctx: SandboxContext = {
    nodeName: FLOOR_NODE, hostname: hostname(), podLogsDir: t.podLogsDir, cgroupRoot: t.cgroupRoot,
    dns: { servers: [], searches: [], options: [] }, clusterDomain: 'cluster.local',
  };
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: randomUUID() },
    spec: { restartPolicy: 'Always', containers: [{ name: 'web', image: t.image }] },
  } as Pod;
  const sb = sandboxConfig(pod, 0, ctx);
  const c = pod.spec.containers[0]!;
  const cc = containerConfig(pod, c, { nodeName: FLOOR_NODE, image: t.image, restartCount: 0, kind: 'regular', env: [], command: [], args: [], mounts: [], memoryCapacity: 0 });
  await mkdir(podLogDir(t.podLogsDir, pod), { recursive: true });
  const t0 = wallMs();
  const sandboxId = await t.cri.runPodSandbox(sb);
  const t1 = wallMs();
  const containerId = await t.cri.createContainer(sandboxId, cc, sb);
  const t2 = wallMs();
  await t.cri.startContainer(containerId);
  const t3 = wallMs();
  return { total: t3 - t0, runPodSandbox: t1 - t0, createContainer: t2 - t1, startContainer: t3 - t2 };
}

/** Stops and removes every floor sandbox, then the floor's cgroups. */
export async function cleanCriFloor(t: CriFloorTarget): Promise<void> {
  const sandboxes = await t.cri.listPodSandbox({ label_selector: { [L_NODE]: FLOOR_NODE } });
  await slidingWindow(sandboxes.length, 10, async (i) => {
    const id = sandboxes[i]!.id;
    await t.cri.stopPodSandbox(id);
    await t.cri.removePodSandbox(id);
  });
  await removeCgroupTree(t.cgroupRoot);
}

/**
 * rmdir a cgroup path and everything under it, in every hierarchy (cgroupfs keeps them after the
 * containers go). Shims that are still exiting keep theirs busy for a moment: retried for ~5 s.
 */
export async function removeCgroupTree(path: string): Promise<void> {
  const root = '/sys/fs/cgroup';
  let hierarchies: string[] = [];
  try { hierarchies = await readdir(root); } catch { return; }
  const rmTree = async (dir: string): Promise<boolean> => {
    let entries;
    try { entries = await readdir(dir, { withFileTypes: true }); } catch { return true; }
    for (const e of entries) if (e.isDirectory()) await rmTree(join(dir, e.name));
    return rmdir(dir).then(() => true, (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    let left = 0;
    for (const h of hierarchies) if (!(await rmTree(join(root, h, path)))) left++;
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
