// What the volume manager reads of a pod: the core/v1 volume sources it materialises, and its own
// options and results. Pod/Container come from the kubelet's shared API views (../api-types.ts);
// volume sources are typed here because only this part reads them.
import type { Logger } from 'pino';
import type { ApiClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import type { Mount } from '../runtime/cri/index.js';
import type { Container, Pod, Volume } from '../api-types.js';

export type { Container, Pod, Volume };

/** A CRI Mount (runtime.v1 Mount, snake_case as on the wire). */
export type CriMount = Mount;

export interface KeyToPath { key: string; path: string; mode?: number }

export interface ConfigMapVolumeSource { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }
export interface SecretVolumeSource { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }

export interface DownwardAPIVolumeFile {
  path: string;
  fieldRef?: { apiVersion?: string; fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
  mode?: number;
}
export interface DownwardAPIVolumeSource { items?: DownwardAPIVolumeFile[]; defaultMode?: number }

export interface ServiceAccountTokenProjection { audience?: string; expirationSeconds?: number; path: string }

export interface VolumeProjection {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: ServiceAccountTokenProjection;
  clusterTrustBundle?: unknown;
}
export interface ProjectedVolumeSource { sources?: VolumeProjection[]; defaultMode?: number }

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';
export interface HostPathVolumeSource { path: string; type?: HostPathType | string }

export interface EmptyDirVolumeSource { medium?: '' | 'Memory' | string; sizeLimit?: string | number }

/** The volume sources this kubelet materialises (a Volume has exactly one source). */
export interface VolumeSources {
  emptyDir?: EmptyDirVolumeSource;
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
  hostPath?: HostPathVolumeSource;
  downwardAPI?: DownwardAPIVolumeSource;
  projected?: ProjectedVolumeSource;
}

/** Node allocatable, for resourceFieldRef on a container without a limit (kubelet merges it in). */
export interface NodeAllocatable { cpuMilli: number; memoryBytes: number; ephemeralBytes: number }

export interface VolumeManagerOptions {
  /** <kubelet root>/pods; a pod's volumes live in podsDir/<uid>/volumes/kubernetes.io~<plugin>/<name>. */
  podsDir: string;
  /** Reads ConfigMaps and Secrets, and asks serviceaccounts/<name>/token for projected tokens. */
  client: ApiClient;
  log: Logger;
  clock?: Clock;
  /** How often mounted configMap/secret/downwardAPI/projected content is refreshed (kubelet: about a minute). */
  resyncMs?: number;
  /** Node allocatable for resourceFieldRef without a limit; defaults to this machine's CPUs, memory and podsDir's disk. */
  allocatable?: NodeAllocatable;
  /** Mount secret and projected volumes on tmpfs, as kubelet does (needs root). Default: when running as root. */
  memoryBackedSecrets?: boolean;
}

/** A materialised volume: where it is on the host, and whether containers must mount it read-only. */
export interface MountedVolume { hostPath: string; readOnly: boolean }
