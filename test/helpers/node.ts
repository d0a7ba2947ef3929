// A real worker node for tests (root only): a private containerd in a temp dir, the pause image
// imported, a CNI bridge of the test's own (its own name, podCIDR and IPAM state), and the kubelet
// running in this process against a test API server. Everything is removed by stop().
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { ApiClient } from '../../src/client/types.js';
import { ensurePauseImage, importImageArchive, PAUSE_IMAGE } from '../../src/kubelet/images/index.js';
import { startKubelet, type Kubelet, type KubeletOptions } from '../../src/kubelet/kubelet.js';
import { removeCgroup } from '../../src/kubelet/pods/cgroups.js';
import { ProbeManager } from '../../src/kubelet/probes/index.js';
import { startContainerd, type ContainerdProcess } from '../../src/kubelet/runtime/containerd/index.js';
import { VolumeManager } from '../../src/kubelet/volumes/index.js';
import { cleanupNetwork, writeCniConfig } from '../../src/network/index.js';

const run = promisify(execFile);

export { freePort };

export interface TestNode {
  name: string;
  kubelet: Kubelet;
  containerd: ContainerdProcess;
  podCidr: string;
  bridge: string;
  dir: string;
  /** Stops the kubelet only (pods keep running), as a crashed agent. */
  stopKubelet(): Promise<void>;
  /** Starts a new kubelet on the same node (adoption after a restart). */
  startKubelet(): Promise<Kubelet>;
  stop(): Promise<void>;
}

export interface TestNodeOptions {
  client: ApiClient;
  name?: string;
  kubelet?: Partial<Omit<KubeletOptions, 'client' | 'volumes' | 'probes'>>;
}

export async function startTestNode(o: TestNodeOptions): Promise<TestNode> {
  const tag = Math.random().toString(36).slice(2, 7);
  const name = o.name ?? `node-${tag}`;
  const bridge = `k8tst${tag}`;
  const podCidr = `10.251.${Math.floor(Math.random() * 250) + 1}.0/24`;
  const network = `k8ts-test-${tag}`;
  const dir = await mkdtemp(join(tmpdir(), 'k8n-'));
  const log = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  const pause = await ensurePauseImage(join(tmpdir(), 'k8ts-pause-cache'));
  const cniConfDir = join(dir, 'cni');
  await writeCniConfig({ confDir: cniConfDir, podCidr, bridgeName: bridge, networkName: network });
  const containerd = await startContainerd({ dataDir: join(dir, 'c'), streamPort: await freePort(), sandboxImage: PAUSE_IMAGE, cniConfDir, log });
  await importImageArchive({ address: containerd.socketPath, archive: pause.archive });
  const base: KubeletOptions = {
    client: o.client, nodeName: name, nodeIP: '127.0.0.1', criEndpoint: containerd.address,
    rootDir: join(dir, 'kubelet'), podLogsDir: join(dir, 'logs', 'pods'), containerLogsDir: join(dir, 'logs', 'containers'),
    cgroupRoot: `/k8ts-test-${tag}`, kubeletPort: 10250, heartbeatMs: 2_000, relistMs: 500, resyncMs: 2_000, crashBackoffBaseMs: 1_000,
    log,
    volumes: (d) => new VolumeManager({ ...d, resyncMs: 1_000 }),
    probes: (d) => new ProbeManager({
      clock: d.clock, log: d.log,
      onResult: (uid) => d.wake(uid),
      onUnhealthy: (pod, _c, _k, message) => d.events.record(pod, 'Warning', 'Unhealthy', message),
    }),
    ...o.kubelet,
  };
  let kubelet: Kubelet;
  try {
    kubelet = await startKubelet(base);
  } catch (e) {
    await containerd.stop({ removePods: true });
    await cleanupNetwork({ bridgeName: bridge, networkName: network }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  let running = true;
  return {
    name, containerd, podCidr, bridge, dir,
    get kubelet() { return kubelet; },
    async stopKubelet() { if (running) { running = false; await kubelet.stop(); } },
    async startKubelet() { kubelet = await startKubelet(base); running = true; return kubelet; },
    async stop() {
      if (running) await kubelet.stop().catch(() => undefined);
      running = false;
      await containerd.stop({ removePods: true });
      await removeCgroup(`/k8ts-test-${tag}`);
      await cleanupNetwork({ bridgeName: bridge, networkName: network }).catch(() => undefined);
      await run('umount', ['-R', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
