// What a real node says about itself (pkg/kubelet/nodestatus setters): capacity and allocatable
// read from the machine, addresses, node info, the images it holds, and the four conditions, Ready
// following the container runtime's own RuntimeReady/NetworkReady.
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { rfc3339 } from '../../machinery/object.js';
import type { NodeObject } from '../api-types.js';
import type { Image, StatusResponse } from '../runtime/cri/index.js';

export const KUBELET_VERSION = 'v1.32.0-k8ts';

export interface MachineInfo {
  cpu: number;
  memoryBytes: number;
  ephemeralBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
}

const readTrim = (path: string): string => { try { return readFileSync(path, 'utf8').trim(); } catch { return ''; } };

export function readMachine(rootDir: string): MachineInfo {
  let ephemeralBytes = 0;
  try { const s = statfsSync(rootDir); ephemeralBytes = s.blocks * s.bsize; } catch { /* unknown */ }
  const osRelease = readTrim('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  const machineID = readTrim('/etc/machine-id');
  return {
    cpu: cpus().length,
    memoryBytes: totalmem(),
    ephemeralBytes,
    machineID,
    systemUUID: readTrim('/sys/class/dmi/id/product_uuid').toLowerCase() || machineID,
    bootID: readTrim('/proc/sys/kernel/random/boot_id'),
    kernelVersion: release(),
    osImage: pretty,
  };
}

/** Bytes as a Ki quantity, as kubelet reports memory ("16384000Ki"). */
const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

/** Hard-eviction reserves kubelet subtracts by default: memory.available<100Mi, nodefs.available<10%. */
export function resources(m: MachineInfo, maxPods: number): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const capacity = { cpu: String(m.cpu), memory: ki(m.memoryBytes), pods: String(maxPods), 'ephemeral-storage': ki(m.ephemeralBytes), 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  const allocatable = { ...capacity, memory: ki(Math.max(0, m.memoryBytes - 100 * 1024 * 1024)), 'ephemeral-storage': String(Math.floor(m.ephemeralBytes * 0.9)) };
  return { capacity, allocatable };
}

interface Cond { type: string; status: string; reason: string; message: string }

/** Ready from the runtime's conditions, as kubelet's runtime-state check words it. */
export function readyCondition(rs: StatusResponse | undefined, extra?: string): Cond {
  if (!rs) return { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' };
  const conds = rs.status?.conditions ?? [];
  const problems: string[] = [];
  const runtime = conds.find((c) => c.type === 'RuntimeReady');
  const network = conds.find((c) => c.type === 'NetworkReady');
  if (!runtime?.status) problems.push(`container runtime not ready: RuntimeReady=false reason:${runtime?.reason ?? ''} message:${runtime?.message ?? ''}`);
  if (!network?.status) problems.push(`container runtime network not ready: NetworkReady=false reason:${network?.reason ?? ''} message:${network?.message ?? ''}`);
  if (extra) problems.push(extra);
  if (problems.length) return { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: problems.join(', ') };
  return { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
}

const PRESSURE: Cond[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
];

export interface NodeStatusInput {
  machine: MachineInfo;
  maxPods: number;
  nodeIP: string;
  hostname: string;
  kubeletPort: number;
  runtimeVersion: string;
  runtimeStatus: StatusResponse | undefined;
  /** Another reason not to be Ready (e.g. no podCIDR yet). */
  notReady?: string;
  images: Image[];
  now: number;
  current?: NodeObject;
}

export function nodeStatus(i: NodeStatusInput): Record<string, unknown> {
  const at = rfc3339(i.now);
  const conds = [...PRESSURE, readyCondition(i.runtimeStatus, i.notReady)].map((c) => {
    const prior = i.current?.status?.conditions?.find((p) => p.type === c.type);
    const since = prior && prior.status === c.status && prior.lastTransitionTime ? prior.lastTransitionTime : at;
    return { ...c, lastHeartbeatTime: at, lastTransitionTime: since };
  });
  const images = [...i.images].sort((a, b) => Number(b.size) - Number(a.size)).slice(0, 50)
    .map((im) => ({ names: [...im.repo_digests, ...im.repo_tags], sizeBytes: Number(im.size) }));
  return {
    ...resources(i.machine, i.maxPods),
    conditions: conds,
    addresses: [{ type: 'InternalIP', address: i.nodeIP }, { type: 'Hostname', address: i.hostname }],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.systemUUID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
    images,
  };
}

export function nodeLabels(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
    ...extra,
  };
}

/** Whether a stored Node's status shows what we'd post now, heartbeat times aside. */
export function statusCurrent(stored: NodeObject | undefined, want: Record<string, unknown>): boolean {
  if (!stored?.status) return false;
  const strip = (s: Record<string, unknown>) => JSON.stringify({
    ...s,
    conditions: (s.conditions as Array<Record<string, unknown>> | undefined)?.map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...c }) => c),
  });
  return strip(stored.status) === strip(want);
}
