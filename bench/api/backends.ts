// The two datastores bench/api compares: `k8ts server` on its default SQLite file in a temp data
// dir, and `k8ts server --datastore-endpoint etcd://…` on a real single-member etcd
// (test/helpers/etcd.ts). The scheduler and controllers are off: this measures the API server and
// its storage, and their informers would otherwise hold every pod a second time in the same process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdCluster } from '../../test/helpers/etcd.js';
import { startServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { childPids, memoryMiB, repoRoot } from './util.js';

export type BackendName = 'sqlite' | 'etcd';

export interface Backend {
  name: BackendName;
  server: ServerProcess;
  dataDir: string;
  /** etcd only: its client URL and cluster. */
  etcd?: EtcdCluster;
  /** RSS of the datastore's own process (etcd), MiB. */
  storeRssMiB(): number | undefined;
  stop(): Promise<void>;
}

export const SERVER_FLAGS = ['--disable-scheduler', '--disable-controllers', 'all'];

export async function startEtcdForBench(): Promise<{ etcd: EtcdCluster; pid: number | undefined }> {
  const before = new Set(childPids('etcd'));
  const etcd = await startEtcd({ members: 1 });
  const pid = childPids('etcd').find((p) => !before.has(p));
  return { etcd, pid };
}

/** A fresh server on a fresh datastore (a new etcd for the etcd backend). */
export async function startBackend(name: BackendName, etcdReady?: { etcd: EtcdCluster; pid: number | undefined }): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), `k8ts-bench-api-${name}-`));
  const dataDir = join(dir, 'data');
  let etcd: EtcdCluster | undefined;
  let etcdPid: number | undefined;
  try {
    const extra = [...SERVER_FLAGS];
    if (name === 'etcd') {
      const e = etcdReady ?? await startEtcdForBench();
      etcd = e.etcd;
      etcdPid = e.pid;
      extra.push('--datastore-endpoint', `etcd://${etcd.endpoints[0]}`);
    }
    const server = await startServerProcess(repoRoot, dataDir, extra);
    return {
      name, server, dataDir, ...(etcd ? { etcd } : {}),
      storeRssMiB: () => { try { return etcdPid === undefined ? undefined : memoryMiB(etcdPid).rss; } catch { return undefined; } },
      stop: async () => {
        await server.stop();
        await etcd?.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
