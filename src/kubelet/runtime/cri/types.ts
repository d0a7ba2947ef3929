// TypeScript shapes of the CRI runtime.v1 messages in api.proto, as @grpc/proto-loader gives and
// takes them: field names exactly as in the proto (snake_case), int64/uint64 as decimal strings
// (inputs also take numbers), enums as their names, bytes as Buffer, maps as plain objects.
//
// Request-side messages (configs, filters) have optional fields: unset means the proto default.
// Response-side messages have every scalar, list and map field present (the loader fills defaults);
// nested messages the runtime did not send arrive as null.

/** An int64 we send: a number or a decimal string. */
export type Int64Input = number | string;
/** An int64/uint64 we receive: always a decimal string (it may exceed 2^53). */
export type Int64 = string;
export type StringMap = Record<string, string>;

// ---------------------------------------------------------------- enums
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type SupplementalGroupsPolicy = 'Merge' | 'Strict';
export type ProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type ContainerEventType =
  | 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';
export type CgroupDriver = 'SYSTEMD' | 'CGROUPFS';

// ---------------------------------------------------------------- shared
export interface Int64Value { value: Int64Input }
export interface UInt64Value { value: Int64 }
export interface KeyValue { key: string; value: string }

export interface ImageSpec {
  image: string;
  annotations?: StringMap;
  user_specified_image?: string;
  runtime_handler?: string;
}

export interface IDMapping { host_id: number; container_id: number; length: number }
export interface UserNamespace { mode?: NamespaceMode; uids?: IDMapping[]; gids?: IDMapping[] }

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  target_id?: string;
  userns_options?: UserNamespace | null;
}

export interface SELinuxOption { user?: string; role?: string; type?: string; level?: string }
export interface SecurityProfile { profile_type?: ProfileType; localhost_ref?: string }
export interface Capability {
  add_capabilities?: string[];
  drop_capabilities?: string[];
  add_ambient_capabilities?: string[];
}

// ---------------------------------------------------------------- version / status
export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface RuntimeHandler {
  name: string;
  features: { recursive_read_only_mounts: boolean; user_namespaces: boolean } | null;
}
export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  /** Only with verbose: JSON strings keyed by topic (e.g. "config", "cniconfig"). */
  info: StringMap;
  runtime_handlers: RuntimeHandler[];
  features: { supplemental_groups_policy: boolean } | null;
}

export interface RuntimeConfigResponse { linux: { cgroup_driver: CgroupDriver } | null }

// ---------------------------------------------------------------- pod sandbox config
export interface DNSConfig { servers?: string[]; searches?: string[]; options?: string[] }

export interface PortMapping {
  protocol?: Protocol;
  container_port?: number;
  host_port?: number;
  host_ip?: string;
}

export interface LinuxSandboxSecurityContext {
  namespace_options?: NamespaceOption | null;
  selinux_options?: SELinuxOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64Input[];
  supplemental_groups_policy?: SupplementalGroupsPolicy;
  privileged?: boolean;
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
  seccomp_profile_path?: string;
}

export interface LinuxPodSandboxConfig {
  cgroup_parent?: string;
  security_context?: LinuxSandboxSecurityContext | null;
  sysctls?: StringMap;
  overhead?: LinuxContainerResources | null;
  resources?: LinuxContainerResources | null;
}

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt?: number }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Directory on the host for this pod's container logs (e.g. /var/log/pods/NS_NAME_UID). */
  log_directory?: string;
  dns_config?: DNSConfig | null;
  port_mappings?: PortMapping[];
  labels?: StringMap;
  annotations?: StringMap;
  linux?: LinuxPodSandboxConfig | null;
}

// ---------------------------------------------------------------- pod sandbox status / list
export interface PodSandboxNetworkStatus { ip: string; additional_ips: { ip: string }[] }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  /** Nanoseconds since the epoch. */
  created_at: Int64;
  network: PodSandboxNetworkStatus | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}

export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  /** Only with verbose: containerd puts a JSON document under "info" (pid, netns path, CNI result…). */
  info: StringMap;
  containers_statuses: ContainerStatus[];
  timestamp: Int64;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState } | null;
  label_selector?: StringMap;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: Int64;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}

// ---------------------------------------------------------------- container config
export interface Mount {
  container_path: string;
  host_path: string;
  readonly?: boolean;
  selinux_relabel?: boolean;
  propagation?: MountPropagation;
  uidMappings?: IDMapping[];
  gidMappings?: IDMapping[];
  recursive_read_only?: boolean;
}

export interface Device { container_path: string; host_path: string; permissions?: string }

export interface HugepageLimit { page_size: string; limit: Int64Input }

export interface LinuxContainerResources {
  cpu_period?: Int64Input;
  cpu_quota?: Int64Input;
  cpu_shares?: Int64Input;
  memory_limit_in_bytes?: Int64Input;
  oom_score_adj?: Int64Input;
  cpuset_cpus?: string;
  cpuset_mems?: string;
  hugepage_limits?: HugepageLimit[];
  unified?: StringMap;
  memory_swap_limit_in_bytes?: Int64Input;
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability | null;
  privileged?: boolean;
  namespace_options?: NamespaceOption | null;
  selinux_options?: SELinuxOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  run_as_username?: string;
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64Input[];
  supplemental_groups_policy?: SupplementalGroupsPolicy;
  no_new_privs?: boolean;
  masked_paths?: string[];
  readonly_paths?: string[];
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
  apparmor_profile?: string;
  seccomp_profile_path?: string;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources | null;
  security_context?: LinuxContainerSecurityContext | null;
}

export interface ContainerMetadata { name: string; attempt?: number }

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** Replaces the image ENTRYPOINT. */
  command?: string[];
  /** Replaces the image CMD. */
  args?: string[];
  working_dir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: Device[];
  labels?: StringMap;
  annotations?: StringMap;
  /** Relative to the sandbox's log_directory (e.g. "CONTAINER/0.log"). */
  log_path?: string;
  stdin?: boolean;
  stdin_once?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig | null;
  CDI_devices?: { name: string }[];
}

// ---------------------------------------------------------------- container status / list
export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState } | null;
  pod_sandbox_id?: string;
  label_selector?: StringMap;
}

/** The runtime's image spec as it reports it back (annotations always present). */
export interface ImageSpecOut {
  image: string;
  annotations: StringMap;
  user_specified_image: string;
  runtime_handler: string;
}

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number } | null;
  image: ImageSpecOut | null;
  image_ref: string;
  state: ContainerState;
  created_at: Int64;
  labels: StringMap;
  annotations: StringMap;
  image_id: string;
}

/** LinuxContainerResources as reported back (every field present, int64s as strings). */
export interface LinuxContainerResourcesOut {
  cpu_period: Int64;
  cpu_quota: Int64;
  cpu_shares: Int64;
  memory_limit_in_bytes: Int64;
  oom_score_adj: Int64;
  cpuset_cpus: string;
  cpuset_mems: string;
  hugepage_limits: { page_size: string; limit: Int64 }[];
  unified: StringMap;
  memory_swap_limit_in_bytes: Int64;
}

export interface ContainerStatus {
  id: string;
  metadata: { name: string; attempt: number } | null;
  state: ContainerState;
  /** Nanoseconds since the epoch; "0" when not set. */
  created_at: Int64;
  started_at: Int64;
  finished_at: Int64;
  exit_code: number;
  image: ImageSpecOut | null;
  image_ref: string;
  /** e.g. "Completed", "Error", "OOMKilled". */
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  mounts: Mount[];
  /** Absolute path of the CRI log file. */
  log_path: string;
  resources: { linux: LinuxContainerResourcesOut | null } | null;
  image_id: string;
  user: { linux: { uid: Int64; gid: Int64; supplemental_groups: Int64[] } | null } | null;
}

export interface ContainerStatusResponse {
  status: ContainerStatus | null;
  /** Only with verbose: containerd puts a JSON document under "info" (pid, runtime spec…). */
  info: StringMap;
}

// ---------------------------------------------------------------- exec / attach / port-forward
export interface ExecSyncResult { stdout: Buffer; stderr: Buffer; exit_code: number }

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface AttachRequest {
  container_id: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface PortForwardRequest { pod_sandbox_id: string; port?: number[] }

// ---------------------------------------------------------------- stats
export interface FilesystemUsage {
  timestamp: Int64;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value | null;
  inodes_used: UInt64Value | null;
}

export interface CpuUsage {
  timestamp: Int64;
  usage_core_nano_seconds: UInt64Value | null;
  /** Needs two samples: 0 (or null) on the first. */
  usage_nano_cores: UInt64Value | null;
}

export interface MemoryUsage {
  timestamp: Int64;
  working_set_bytes: UInt64Value | null;
  available_bytes: UInt64Value | null;
  usage_bytes: UInt64Value | null;
  rss_bytes: UInt64Value | null;
  page_faults: UInt64Value | null;
  major_page_faults: UInt64Value | null;
}

export interface ContainerStats {
  attributes: {
    id: string;
    metadata: { name: string; attempt: number } | null;
    labels: StringMap;
    annotations: StringMap;
  } | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writable_layer: FilesystemUsage | null;
  swap: { timestamp: Int64; swap_available_bytes: UInt64Value | null; swap_usage_bytes: UInt64Value | null } | null;
}

export interface ContainerStatsFilter { id?: string; pod_sandbox_id?: string; label_selector?: StringMap }

export interface NetworkInterfaceUsage {
  name: string;
  rx_bytes: UInt64Value | null;
  rx_errors: UInt64Value | null;
  tx_bytes: UInt64Value | null;
  tx_errors: UInt64Value | null;
}

export interface PodSandboxStats {
  attributes: {
    id: string;
    metadata: PodSandboxMetadata | null;
    labels: StringMap;
    annotations: StringMap;
  } | null;
  linux: {
    cpu: CpuUsage | null;
    memory: MemoryUsage | null;
    network: { timestamp: Int64; default_interface: NetworkInterfaceUsage | null; interfaces: NetworkInterfaceUsage[] } | null;
    process: { timestamp: Int64; process_count: UInt64Value | null } | null;
    containers: ContainerStats[];
  } | null;
}

export interface PodSandboxStatsFilter { id?: string; label_selector?: StringMap }

// ---------------------------------------------------------------- events (containerd 1.7+)
export interface ContainerEvent {
  container_id: string;
  container_event_type: ContainerEventType;
  created_at: Int64;
  pod_sandbox_status: PodSandboxStatus | null;
  containers_statuses: ContainerStatus[];
}

// ---------------------------------------------------------------- images
export interface Image {
  /** The image id (containerd: the config digest, "sha256:…"). */
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: Int64;
  /** Set when the image's user is numeric. */
  uid: { value: Int64 } | null;
  /** Set when the image's user is a name. */
  username: string;
  spec: ImageSpecOut | null;
  pinned: boolean;
}

export interface ImageStatusResult {
  image: Image;
  /** Only with verbose: containerd puts a JSON document under "info" (image config…). */
  info: StringMap;
}

export interface ImageFilter { image?: ImageSpec | null }

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 of "user:password", as in a docker config.json. */
  auth?: string;
  server_address?: string;
  identity_token?: string;
  registry_token?: string;
}

export interface ImageFsInfoResponse {
  image_filesystems: FilesystemUsage[];
  container_filesystems: FilesystemUsage[];
}
