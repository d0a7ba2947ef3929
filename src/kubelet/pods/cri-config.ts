// Pod and container → CRI sandbox and container configs (what kubelet's kuberuntime builds in
// generatePodSandboxConfig / generateContainerConfig). Pure: everything it needs is passed in.
import type { Container, Pod } from '../api-types.js';
import type { ContainerConfig, Mount, NamespaceOption, PodSandboxConfig, PortMapping } from '../runtime/cri/index.js';
import {
  A_CONTAINER_HASH, A_GRACE_PERIOD, A_PRESTOP, A_RESTART_COUNT, A_TERMINATION_FILE, A_TERMINATION_MESSAGE_PATH,
  A_TERMINATION_MESSAGE_POLICY, L_CONTAINER_KIND, L_CONTAINER_NAME, L_NODE, L_POD_NAME, L_POD_NAMESPACE, L_POD_UID, containerHash,
} from './labels.js';
import { linuxResources } from './resources.js';

export interface SandboxContext {
  nodeName: string;
  /** The node's hostname, for hostNetwork pods. */
  hostname: string;
  podLogsDir: string;
  cgroupRoot: string;
  dns: { servers: string[]; searches: string[]; options: string[] };
  /** The cluster DNS service IP, when cluster DNS runs (dnsPolicy ClusterFirst). */
  clusterDns?: string;
  clusterDomain: string;
}

export const podLogDir = (podLogsDir: string, pod: Pod): string =>
  `${podLogsDir}/${pod.metadata?.namespace}_${pod.metadata?.name}_${pod.metadata?.uid}`;

/** Linux paths hidden or read-only in unprivileged containers (the runtime applies none unless told). */
const MASKED = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function namespaces(pod: Pod): NamespaceOption {
  return {
    network: pod.spec.hostNetwork ? 'NODE' : 'POD',
    pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
  };
}

function dnsConfig(pod: Pod, ctx: SandboxContext): PodSandboxConfig['dns_config'] {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const ns = pod.metadata?.namespace ?? 'default';
  let servers = ctx.dns.servers;
  let searches = ctx.dns.searches;
  let options = ctx.dns.options;
  const clusterFirst = policy === 'ClusterFirst' || (policy === 'ClusterFirstWithHostNet' && pod.spec.hostNetwork);
  if (policy !== 'None' && clusterFirst && !pod.spec.hostNetwork && ctx.clusterDns) {
    servers = [ctx.clusterDns];
    searches = [`${ns}.svc.${ctx.clusterDomain}`, `svc.${ctx.clusterDomain}`, ctx.clusterDomain, ...ctx.dns.searches];
    options = ['ndots:5'];
  }
  if (policy === 'ClusterFirstWithHostNet' && ctx.clusterDns) {
    servers = [ctx.clusterDns];
    searches = [`${ns}.svc.${ctx.clusterDomain}`, `svc.${ctx.clusterDomain}`, ctx.clusterDomain, ...ctx.dns.searches];
    options = ['ndots:5'];
  }
  if (policy === 'None') { servers = []; searches = []; options = []; }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    servers = [...servers, ...(extra.nameservers ?? [])];
    searches = [...searches, ...(extra.searches ?? [])];
    const opts = new Map(options.map((o) => [o.split(':')[0]!, o]));
    for (const o of extra.options ?? []) opts.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    options = [...opts.values()];
  }
  return { servers: servers.slice(0, 3), searches: [...new Set(searches)].slice(0, 32), options };
}

function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], container_port: p.containerPort, host_port: p.hostPort, ...(p.hostIP ? { host_ip: p.hostIP } : {}) });
    }
  }
  return out;
}

export const podCgroupParent = (cgroupRoot: string, uid: string): string => `${cgroupRoot}/pod${uid}`;

export function sandboxConfig(pod: Pod, attempt: number, ctx: SandboxContext): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const sc = pod.spec.securityContext ?? {};
  // Host-network pods share the node's UTS namespace: the runtime refuses a hostname for them.
  const hostname = pod.spec.hostNetwork ? '' : (pod.spec.hostname ?? meta.name ?? '').slice(0, 63);
  const sysctls = Object.fromEntries((sc.sysctls ?? []).map((s) => [s.name, s.value]));
  return {
    metadata: { name: meta.name ?? '', uid: meta.uid ?? '', namespace: meta.namespace ?? '', attempt },
    hostname,
    log_directory: podLogDir(ctx.podLogsDir, pod),
    dns_config: dnsConfig(pod, ctx),
    port_mappings: portMappings(pod),
    labels: { ...(meta.labels ?? {}), [L_POD_NAME]: meta.name ?? '', [L_POD_NAMESPACE]: meta.namespace ?? '', [L_POD_UID]: meta.uid ?? '', [L_NODE]: ctx.nodeName },
    annotations: { ...(meta.annotations ?? {}) },
    linux: {
      cgroup_parent: podCgroupParent(ctx.cgroupRoot, meta.uid ?? ''),
      sysctls,
      security_context: {
        namespace_options: namespaces(pod),
        ...(sc.runAsUser !== undefined ? { run_as_user: { value: sc.runAsUser } } : {}),
        ...(sc.runAsGroup !== undefined ? { run_as_group: { value: sc.runAsGroup } } : {}),
        supplemental_groups: [...(sc.supplementalGroups ?? []), ...(sc.fsGroup !== undefined ? [sc.fsGroup] : [])],
      },
    },
  };
}

export interface ContainerContext {
  nodeName: string;
  image: string;
  restartCount: number;
  kind: 'init' | 'regular';
  env: ReadonlyArray<[string, string]>;
  command: string[];
  args: string[];
  mounts: Mount[];
  /** Host file for terminationMessagePath, when the kubelet made one. */
  terminationFile?: string;
  memoryCapacity: number;
}

export function containerConfig(pod: Pod, c: Container, ctx: ContainerContext): ContainerConfig {
  const meta = pod.metadata ?? {};
  const sc = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  const mounts = [...ctx.mounts];
  const messagePath = c.terminationMessagePath ?? '/dev/termination-log';
  if (ctx.terminationFile) mounts.push({ container_path: messagePath, host_path: ctx.terminationFile });
  return {
    metadata: { name: c.name, attempt: ctx.restartCount },
    image: { image: ctx.image, user_specified_image: c.image ?? '' },
    command: ctx.command,
    args: ctx.args,
    working_dir: c.workingDir ?? '',
    envs: ctx.env.map(([key, value]) => ({ key, value })),
    mounts,
    labels: { [L_POD_NAME]: meta.name ?? '', [L_POD_NAMESPACE]: meta.namespace ?? '', [L_POD_UID]: meta.uid ?? '', [L_CONTAINER_NAME]: c.name, [L_NODE]: ctx.nodeName, [L_CONTAINER_KIND]: ctx.kind },
    annotations: {
      [A_CONTAINER_HASH]: containerHash(c),
      [A_RESTART_COUNT]: String(ctx.restartCount),
      [A_TERMINATION_MESSAGE_PATH]: messagePath,
      [A_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
      [A_GRACE_PERIOD]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
      ...(c.lifecycle?.preStop ? { [A_PRESTOP]: JSON.stringify(c.lifecycle.preStop) } : {}),
      ...(ctx.terminationFile ? { [A_TERMINATION_FILE]: ctx.terminationFile } : {}),
    },
    log_path: `${c.name}/${ctx.restartCount}.log`,
    stdin: c.stdin ?? false,
    stdin_once: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: {
      resources: linuxResources(pod, c, ctx.memoryCapacity),
      security_context: {
        namespace_options: namespaces(pod),
        privileged: sc.privileged ?? false,
        readonly_rootfs: sc.readOnlyRootFilesystem ?? false,
        ...(runAsUser !== undefined ? { run_as_user: { value: runAsUser } } : {}),
        ...(runAsGroup !== undefined ? { run_as_group: { value: runAsGroup } } : {}),
        supplemental_groups: [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])],
        ...(sc.capabilities ? { capabilities: { add_capabilities: sc.capabilities.add ?? [], drop_capabilities: sc.capabilities.drop ?? [] } } : {}),
        no_new_privs: sc.allowPrivilegeEscalation === false,
        masked_paths: sc.privileged ? [] : MASKED,
        readonly_paths: sc.privileged ? [] : READONLY,
      },
    },
  };
}
