// The files of configMap, secret, downwardAPI and projected volumes (each plugin's MakePayload /
// CollectData in pkg/volume/{configmap,secret,downwardapi,projected}). Pure given the objects read:
// the fetching is passed in, so the manager decides caching and error reporting.
import type { ConfigMap, Secret } from '../api-types.js';
import type { FileProjection, Payload } from './atomic-writer.js';
import { downwardItemValue } from './downward.js';
import { objectNotFound } from './errors.js';
import type {
  ConfigMapVolumeSource, DownwardAPIVolumeFile, KeyToPath, NodeAllocatable, Pod, ProjectedVolumeSource, SecretVolumeSource,
  ServiceAccountTokenProjection,
} from './types.js';

export const DEFAULT_MODE = 0o644;

export interface PayloadSources {
  /** undefined when the object does not exist; other failures reject. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** A projected token, or undefined when the API server does not serve TokenRequest (the source is skipped). */
  token(pod: Pod, source: ServiceAccountTokenProjection): Promise<string | undefined>;
  allocatable: NodeAllocatable;
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** key → bytes of a ConfigMap (data as UTF-8, binaryData base64). */
function configMapEntries(cm: ConfigMap | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) out.set(k, b64(v));
  return out;
}

function secretEntries(s: Secret | undefined): Map<string, Buffer> {
  return new Map(Object.entries(s?.data ?? {}).map(([k, v]) => [k, b64(v)]));
}

/** Every key under its own name, or only the listed items under their paths (a missing key fails unless optional). */
function project(entries: Map<string, Buffer>, items: readonly KeyToPath[] | undefined, mode: number, optional: boolean, missingKey: (k: string) => string): Payload {
  const out: Payload = new Map();
  if (!items?.length) {
    for (const [k, data] of entries) out.set(k, { data, mode });
    return out;
  }
  for (const it of items) {
    const data = entries.get(it.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missingKey(it.key));
    }
    out.set(it.path, { data, mode: it.mode ?? mode });
  }
  return out;
}

const cmMissingKey = (k: string): string => `configmap references non-existent config key: ${k}`;
const secretMissingKey = (k: string): string => `references non-existent secret key: ${k}`;

async function readConfigMap(src: PayloadSources, ns: string, name: string, optional: boolean): Promise<ConfigMap | undefined> {
  const cm = await src.configMap(ns, name);
  if (!cm && !optional) throw objectNotFound('configmap', name);
  return cm;
}

async function readSecret(src: PayloadSources, ns: string, name: string, optional: boolean): Promise<Secret | undefined> {
  const s = await src.secret(ns, name);
  if (!s && !optional) throw objectNotFound('secret', name);
  return s;
}

export async function configMapPayload(pod: Pod, v: ConfigMapVolumeSource, src: PayloadSources): Promise<Payload> {
  const optional = v.optional === true;
  const cm = await readConfigMap(src, pod.metadata?.namespace ?? '', v.name ?? '', optional);
  return project(configMapEntries(cm), v.items, v.defaultMode ?? DEFAULT_MODE, optional, cmMissingKey);
}

export async function secretPayload(pod: Pod, v: SecretVolumeSource, src: PayloadSources): Promise<Payload> {
  const optional = v.optional === true;
  const s = await readSecret(src, pod.metadata?.namespace ?? '', v.secretName ?? '', optional);
  return project(secretEntries(s), v.items, v.defaultMode ?? DEFAULT_MODE, optional, secretMissingKey);
}

export function downwardPayload(pod: Pod, items: readonly DownwardAPIVolumeFile[] | undefined, defaultMode: number, allocatable: NodeAllocatable): Payload {
  const out: Payload = new Map();
  for (const it of items ?? []) {
    const f: FileProjection = { data: Buffer.from(downwardItemValue(pod, it, allocatable), 'utf8'), mode: it.mode ?? defaultMode };
    out.set(it.path, f);
  }
  return out;
}

/**
 * All sources of a projected volume into one payload (a later source's path wins). Failing sources
 * are collected and reported together, as kube aggregates them: `[a, b]` for more than one.
 */
export async function projectedPayload(pod: Pod, v: ProjectedVolumeSource, src: PayloadSources): Promise<Payload> {
  const mode = v.defaultMode ?? DEFAULT_MODE;
  const ns = pod.metadata?.namespace ?? '';
  const out: Payload = new Map();
  const errors: string[] = [];
  const merge = (p: Payload): void => { for (const [k, f] of p) out.set(k, f); };
  for (const s of v.sources ?? []) {
    try {
      if (s.configMap) {
        const optional = s.configMap.optional === true;
        const cm = await readConfigMap(src, ns, s.configMap.name ?? '', optional);
        merge(project(configMapEntries(cm), s.configMap.items, mode, optional, cmMissingKey));
      } else if (s.secret) {
        const optional = s.secret.optional === true;
        const sec = await readSecret(src, ns, s.secret.name ?? '', optional);
        merge(project(secretEntries(sec), s.secret.items, mode, optional, secretMissingKey));
      } else if (s.downwardAPI) {
        merge(downwardPayload(pod, s.downwardAPI.items, mode, src.allocatable));
      } else if (s.serviceAccountToken) {
        const token = await src.token(pod, s.serviceAccountToken);
        if (token !== undefined) out.set(s.serviceAccountToken.path, { data: Buffer.from(token, 'utf8'), mode });
      }
      // clusterTrustBundle: not served by this API server; nothing to project.
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return out;
}
