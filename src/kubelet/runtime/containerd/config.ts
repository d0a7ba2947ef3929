// containerd's configuration (config version 2) for a k8ts node, and hosts.toml files for registries.
// What each setting is for is in /work/shared/RUNTIME.md; the short of it: everything containerd
// writes lives under the node's own directories, so several containerds run side by side.
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContainerdConfigOptions {
  /** Persistent state (images, snapshots, metadata): `root`. */
  root: string;
  /** Runtime state (bundles, sockets of tasks): `state`. */
  state: string;
  /** Unix socket of the gRPC API (CRI included). At most 107 bytes. */
  grpcAddress: string;
  /** Unix socket of the ttrpc API (shims → containerd). Default: grpcAddress + ".ttrpc". */
  ttrpcAddress?: string;
  /** Image of every pod's sandbox (pause) container. */
  sandboxImage: string;
  /** Port of the exec/attach/port-forward stream server. */
  streamPort: number;
  /** Address of the stream server. Default 127.0.0.1. */
  streamAddress?: string;
  /** Directory of CNI network configurations (first one used). */
  cniConfDir: string;
  /** Directory of CNI plugin binaries. Default: /usr/lib/cni if present, else /opt/cni/bin. */
  cniBinDir?: string;
  /** Directory of per-registry `HOST[:PORT]/hosts.toml` files (see writeRegistryHosts). */
  registryConfigDir?: string;
  /** runc binary. Default: /usr/sbin/runc, else `runc` found on PATH. */
  runcBinary?: string;
  /** runc's state directory (its --root). Default: `state`/runc. */
  runcRoot?: string;
  /** containerd's "opt" directory for installed plugins. Default: `root`/opt. */
  optDir?: string;
  /** Log level: trace, debug, info, warn, error. Default info. */
  logLevel?: string;
  /** Snapshotter. Default overlayfs. */
  snapshotter?: string;
  /** Put pod network namespaces under `state` instead of /var/run/netns. Default false. */
  netnsUnderStateDir?: boolean;
  /** Longest CRI log line before splitting into partial lines. Default 16384. */
  maxContainerLogLineSize?: number;
  /** Seconds between CRI stats samples (usage_nano_cores is computed between two). Default 10. */
  statsCollectPeriodSeconds?: number;
}

/** The CNI plugin directory Debian uses, then the upstream default. */
export const CNI_BIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'] as const;

export function defaultCniBinDir(): string {
  return CNI_BIN_DIRS.find((d) => existsSync(join(d, 'bridge'))) ?? CNI_BIN_DIRS[0];
}

/** First executable `name` among well-known sbin/bin directories and PATH, or undefined. */
export function findExecutable(name: string, preferred: readonly string[] = []): string | undefined {
  const dirs = [
    ...preferred,
    ...(process.env['PATH'] ?? '').split(':').filter(Boolean),
    '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin',
  ];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function defaultRuncBinary(): string {
  return existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : findExecutable('runc') ?? '/usr/sbin/runc';
}

/** A TOML basic string (TOML accepts JSON's escapes for these). */
export function tomlString(s: string): string {
  return JSON.stringify(s);
}

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

/** config.toml text (version 2) for one k8ts node's containerd. */
export function renderContainerdConfig(o: ContainerdConfigOptions): string {
  const q = tomlString;
  const ttrpc = o.ttrpcAddress ?? `${o.grpcAddress}.ttrpc`;
  const runcRoot = o.runcRoot ?? join(o.state, 'runc');
  const lines: string[] = [
    '# Written by k8ts: containerd for one node. Regenerated at every start.',
    'version = 2',
    `root = ${q(o.root)}`,
    `state = ${q(o.state)}`,
    'oom_score = 0',
    // Snapshotters this machine does not use: skipped at once instead of probed and logged.
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",' +
      ' "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '',
    '[grpc]',
    `  address = ${q(o.grpcAddress)}`,
    '  uid = 0',
    '  gid = 0',
    '',
    '[ttrpc]',
    `  address = ${q(ttrpc)}`,
    '',
    '[debug]',
    '  address = ""',
    `  level = ${q(o.logLevel ?? 'info')}`,
    '',
    '[metrics]',
    '  address = ""',
    '',
    '[plugins]',
    '',
    '  [plugins."io.containerd.internal.v1.opt"]',
    `    path = ${q(o.optDir ?? join(o.root, 'opt'))}`,
    '',
    `  [${CRI}]`,
    `    sandbox_image = ${q(o.sandboxImage)}`,
    // Without it RunPodSandbox fails here: runc cannot set a negative oom_score_adj (no CAP_SYS_RESOURCE).
    '    restrict_oom_score_adj = true',
    '    tolerate_missing_hugetlb_controller = true',
    '    disable_hugetlb_controller = true',
    '    disable_apparmor = true',
    '    enable_selinux = false',
    '    disable_tcp_service = true',
    `    stream_server_address = ${q(o.streamAddress ?? '127.0.0.1')}`,
    `    stream_server_port = ${q(String(o.streamPort))}`,
    '    enable_tls_streaming = false',
    `    netns_mounts_under_state_dir = ${o.netnsUnderStateDir ? 'true' : 'false'}`,
    `    max_container_log_line_size = ${o.maxContainerLogLineSize ?? 16384}`,
    `    stats_collect_period = ${o.statsCollectPeriodSeconds ?? 10}`,
    '',
    `    [${CRI}.containerd]`,
    `      snapshotter = ${q(o.snapshotter ?? 'overlayfs')}`,
    '      default_runtime_name = "runc"',
    '',
    `      [${CRI}.containerd.runtimes.runc]`,
    '        runtime_type = "io.containerd.runc.v2"',
    '',
    `        [${CRI}.containerd.runtimes.runc.options]`,
    `          BinaryName = ${q(o.runcBinary ?? defaultRuncBinary())}`,
    `          Root = ${q(runcRoot)}`,
    // PID 1 is not systemd on these machines: cgroupfs paths.
    '          SystemdCgroup = false',
    '',
    `    [${CRI}.cni]`,
    `      bin_dir = ${q(o.cniBinDir ?? defaultCniBinDir())}`,
    `      conf_dir = ${q(o.cniConfDir)}`,
    '      max_conf_num = 1',
    '',
    `    [${CRI}.registry]`,
    `      config_path = ${q(o.registryConfigDir ?? '')}`,
    '',
  ];
  return lines.join('\n');
}

export interface RegistryHostOptions {
  /** The registry speaks plain HTTP (no TLS). */
  plainHttp?: boolean;
  /** HTTPS without verifying the registry's certificate. */
  skipVerify?: boolean;
  /** CA file (PEM) that signed the registry's certificate. */
  caFile?: string;
}

/** hosts.toml text for one registry `host` ("HOST" or "HOST:PORT"). */
export function renderRegistryHosts(host: string, o: RegistryHostOptions = {}): string {
  const url = `${o.plainHttp ? 'http' : 'https'}://${host}`;
  const lines = [
    '# Written by k8ts.',
    `server = ${tomlString(url)}`,
    '',
    `[host.${tomlString(url)}]`,
    '  capabilities = ["pull", "resolve"]',
  ];
  if (o.skipVerify) lines.push('  skip_verify = true');
  if (o.caFile) lines.push(`  ca = ${tomlString(o.caFile)}`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Writes `dir/HOST/hosts.toml` so containerd (registry.config_path = dir) reaches `host` as told,
 * e.g. a plain-HTTP registry that is not on loopback. Resolves with the file's path.
 */
export async function writeRegistryHosts(dir: string, host: string, o: RegistryHostOptions = {}): Promise<string> {
  if (!host || host.includes('/')) throw new Error(`writeRegistryHosts: bad registry host ${JSON.stringify(host)}`);
  const hostDir = join(dir, host);
  await mkdir(hostDir, { recursive: true });
  const file = join(hostDir, 'hosts.toml');
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, renderRegistryHosts(host, o));
  await rename(tmp, file);
  return file;
}
