// The kubelet's volume manager: materialises a pod's volumes under
// <podsDir>/<uid>/volumes/kubernetes.io~<plugin>/<name> before its containers start, keeps the
// content of configMap/secret/downwardAPI/projected volumes current (periodic resync, atomic
// swaps) and removes everything when the pod is gone.
//
// Work on one pod is serialised (setUp, resync and tearDown never interleave for a uid); work on
// different pods runs concurrently.
import { availableParallelism, totalmem } from 'node:os';
import { chmod, chown, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { R, type ApiClient } from '../../client/index.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { StatusError } from '../../machinery/errors.js';
import { intValue, parseQuantity } from '../../machinery/quantity.js';
import type { ConfigMap, Secret } from '../api-types.js';
import { writeAtomic, type Payload } from './atomic-writer.js';
import { containerMounts } from './container-mounts.js';
import { setUpFailed, VolumeError } from './errors.js';
import { setUpHostPath } from './host-path.js';
import { isMountPoint, mountsUnder, mountTmpfs, unmount } from './mounts.js';
import { configMapPayload, DEFAULT_MODE, downwardPayload, projectedPayload, secretPayload, type PayloadSources } from './payload.js';
import { ServiceAccountTokens } from './tokens.js';
import type { Container, CriMount, MountedVolume, NodeAllocatable, Pod, Volume, VolumeManagerOptions, VolumeSources } from './types.js';

type Plugin = keyof VolumeSources;

/** The directory each plugin keeps its volumes in (kubelet's escaped plugin names). */
const PLUGIN_DIR: Record<Exclude<Plugin, 'hostPath'>, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};
const PLUGINS = new Set<string>(['emptyDir', 'configMap', 'secret', 'hostPath', 'downwardAPI', 'projected']);
/** Volumes whose content comes from the API or the pod and is refreshed on resync. */
const CONTENT = new Set<Plugin>(['configMap', 'secret', 'downwardAPI', 'projected']);
/** Kept on tmpfs so secrets never reach the node's disk (kubelet wraps these in a Memory emptyDir). */
const MEMORY_BACKED = new Set<Plugin>(['secret', 'projected']);

const DEFAULT_RESYNC_MS = 60_000;
const POD_DIR_MODE = 0o750;
const EMPTY_DIR_MODE = 0o777;

interface Tracked {
  pod: Pod;
  /** Content volumes written at least once since this process started tracking the pod. */
  ready: Set<string>;
}

function pluginOf(v: Volume): Plugin {
  const keys = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (keys.length === 0) return 'emptyDir'; // the API defaults a volume without a source to emptyDir
  const k = keys[0]!;
  if (!PLUGINS.has(k)) throw new Error(`no volume plugin matched: ${k} volumes are not supported by this node`);
  return k as Plugin;
}

function defaultAllocatable(podsDir: string): NodeAllocatable {
  let ephemeralBytes = 0;
  for (let d = podsDir; ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      ephemeralBytes = s.blocks * s.bsize;
      break;
    } catch {
      if (d === dirname(d)) break;
    }
  }
  return { cpuMilli: availableParallelism() * 1000, memoryBytes: totalmem(), ephemeralBytes };
}

const isNotFound = (e: unknown): boolean => e instanceof StatusError && e.code === 404;

export class VolumeManager {
  readonly #podsDir: string;
  readonly #client: ApiClient;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #resyncMs: number;
  readonly #memoryBacked: boolean;
  readonly #tokens: ServiceAccountTokens;
  readonly #sources: PayloadSources;
  readonly #tracked = new Map<string, Tracked>();
  /** Tail of each pod's chain of operations. */
  readonly #queues = new Map<string, Promise<unknown>>();
  #running = false;

  constructor(o: VolumeManagerOptions) {
    this.#podsDir = o.podsDir;
    this.#client = o.client;
    this.#log = o.log;
    this.#clock = o.clock ?? realClock;
    this.#resyncMs = o.resyncMs ?? DEFAULT_RESYNC_MS;
    this.#memoryBacked = o.memoryBackedSecrets ?? (process.getuid?.() === 0);
    this.#tokens = new ServiceAccountTokens({ client: o.client, log: o.log, clock: this.#clock });
    const get = async <T>(ref: typeof R.configmaps, ns: string, name: string): Promise<T | undefined> => {
      try {
        return await this.#client.get(ref, ns, name) as T;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    };
    this.#sources = {
      configMap: (ns, name) => get<ConfigMap>(R.configmaps, ns, name),
      secret: (ns, name) => get<Secret>(R.secrets, ns, name),
      token: (pod, src) => this.#tokens.get(pod, src),
      allocatable: o.allocatable ?? defaultAllocatable(o.podsDir),
    };
  }

  /** The host directory of a volume of a plugin that keeps one (all but hostPath). */
  volumeDir(podUid: string, plugin: Exclude<Plugin, 'hostPath'>, name: string): string {
    return join(this.#podsDir, podUid, 'volumes', PLUGIN_DIR[plugin], name);
  }

  /**
   * Materialises every volume of the pod (idempotent; call it on every pod sync) and resolves each
   * volume's host path by name. Every volume is attempted; if any fails, rejects with a VolumeError
   * (reason FailedMount) whose message is the first failure's kube text and whose `failures` lists all.
   * Content already written is not fetched again here: the resync loop refreshes it.
   */
  setUp(pod: Pod): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata?.uid;
    if (!uid) return Promise.reject(new VolumeError('pod has no uid'));
    return this.#serial(uid, async () => {
      const t = this.#tracked.get(uid) ?? { pod, ready: new Set<string>() };
      t.pod = pod;
      this.#tracked.set(uid, t);
      const out = new Map<string, MountedVolume>();
      const failures: VolumeError[] = [];
      for (const v of pod.spec.volumes ?? []) {
        try {
          out.set(v.name, await this.#setUpVolume(t, v, false));
        } catch (e) {
          const err = setUpFailed(v.name, e);
          this.#log.debug({ pod: podName(pod), volume: v.name, err: err.message }, 'volume setup failed'); // the caller reports it (event, status)
          failures.push(err);
        }
      }
      if (failures.length) {
        const first = failures[0]!;
        throw new VolumeError(first.message, 'FailedMount', first.volume, failures, first.cause as Error);
      }
      return out;
    });
  }

  /**
   * The CRI mounts for a container's volumeMounts (subPath/subPathExpr resolved against `env`, the
   * container's resolved environment). Throws VolumeError with reason CreateContainerConfigError.
   */
  mountsFor(pod: Pod, container: Container, volumes: ReadonlyMap<string, MountedVolume>, env: Readonly<Record<string, string>>): CriMount[] {
    return containerMounts(pod, container, volumes, env, this.#log);
  }

  /** Unmounts the pod's tmpfs volumes and removes its directory (podsDir/<uid>); hostPath volumes are not touched. */
  tearDown(podUid: string): Promise<void> {
    return this.#serial(podUid, async () => {
      this.#tracked.delete(podUid);
      this.#tokens.forget(podUid);
      const podDir = join(this.#podsDir, podUid);
      for (const m of await mountsUnder(podDir)) await unmount(m);
      const left = await mountsUnder(podDir);
      if (left.length) throw new VolumeError(`pod ${podUid}: volume paths are still mounted: ${left.join(', ')}`);
      await rm(podDir, { recursive: true, force: true });
    });
  }

  /** Pod uids that have a directory under podsDir (to clean up orphans after a restart). */
  async podDirs(): Promise<string[]> {
    try {
      return (await readdir(this.#podsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Uids of the pods whose content volumes are kept current. */
  trackedPods(): string[] {
    return [...this.#tracked.keys()];
  }

  /** Refreshes the content volumes of every tracked pod once (what each resync tick does). */
  async resync(): Promise<void> {
    await Promise.all([...this.#tracked.keys()].map((uid) => this.#serial(uid, async () => {
      const t = this.#tracked.get(uid);
      if (!t) return; // torn down meanwhile
      for (const v of t.pod.spec.volumes ?? []) {
        if (!t.ready.has(v.name)) continue;
        try {
          await this.#setUpVolume(t, v, true);
        } catch (e) {
          this.#log.warn({ pod: podName(t.pod), volume: v.name, err: setUpFailed(v.name, e).message }, 'volume refresh failed; content kept');
        }
      }
    })));
  }

  /** Resyncs every resyncMs until the signal aborts (a second call while running does nothing). */
  start(signal: AbortSignal): void {
    if (this.#running) return;
    this.#running = true;
    const loop = async (): Promise<void> => {
      while (!signal.aborted) {
        try {
          await this.#clock.sleep(this.#resyncMs, signal);
        } catch {
          return; // aborted
        }
        await this.resync().catch((e: unknown) => this.#log.error({ err: e }, 'volume resync failed'));
      }
    };
    void loop().finally(() => { this.#running = false; });
  }

  async #setUpVolume(t: Tracked, v: Volume, refresh: boolean): Promise<MountedVolume> {
    const pod = t.pod;
    const uid = pod.metadata?.uid ?? '';
    const plugin = pluginOf(v);
    const src = v as Volume & VolumeSources;
    if (plugin === 'hostPath') return { hostPath: await setUpHostPath(src.hostPath!), readOnly: false };
    const dir = this.volumeDir(uid, plugin, v.name);
    const fsGroup = pod.spec.securityContext?.fsGroup;
    if (plugin === 'emptyDir') {
      await this.#emptyDir(dir, src.emptyDir ?? {}, fsGroup);
      return { hostPath: dir, readOnly: false };
    }
    if (!CONTENT.has(plugin)) throw new Error(`no volume plugin matched: ${plugin}`);
    if (t.ready.has(v.name) && !refresh) return { hostPath: dir, readOnly: true };
    if (!t.ready.has(v.name)) await this.#volumeRoot(dir, this.#memoryBacked && MEMORY_BACKED.has(plugin), undefined, fsGroup, true);
    const payload = await this.#payload(pod, plugin, src);
    const changed = await writeAtomic(dir, payload, { ...(fsGroup !== undefined ? { fsGroup } : {}), now: this.#clock.now() });
    if (changed && t.ready.has(v.name)) this.#log.info({ pod: podName(pod), volume: v.name }, 'volume content updated');
    t.ready.add(v.name);
    return { hostPath: dir, readOnly: true };
  }

  #payload(pod: Pod, plugin: Plugin, src: VolumeSources): Promise<Payload> {
    switch (plugin) {
      case 'configMap': return configMapPayload(pod, src.configMap!, this.#sources);
      case 'secret': return secretPayload(pod, src.secret!, this.#sources);
      case 'projected': return projectedPayload(pod, src.projected!, this.#sources);
      case 'downwardAPI': {
        const d = src.downwardAPI!;
        return Promise.resolve(downwardPayload(pod, d.items, d.defaultMode ?? DEFAULT_MODE, this.#sources.allocatable));
      }
      default: throw new Error(`no volume plugin matched: ${plugin}`);
    }
  }

  async #emptyDir(dir: string, src: { medium?: string; sizeLimit?: string | number }, fsGroup: number | undefined): Promise<void> {
    const medium = src.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new Error(`unknown storage medium "${medium}"`);
    const size = src.sizeLimit !== undefined && medium === 'Memory' ? intValue(parseQuantity(src.sizeLimit)) : undefined;
    await this.#volumeRoot(dir, medium === 'Memory', size, fsGroup, false);
  }

  /**
   * A volume's root directory: world-writable (0777) like an emptyDir, or a tmpfs (mode 1777) when
   * memory-backed and not mounted yet. With fsGroup, its group is fsGroup and new files inherit it (setgid).
   */
  async #volumeRoot(dir: string, memory: boolean, sizeBytes: number | undefined, fsGroup: number | undefined, readOnly: boolean): Promise<void> {
    await mkdir(dirname(dir), { recursive: true, mode: POD_DIR_MODE });
    await mkdir(dir, { recursive: true, mode: EMPTY_DIR_MODE });
    if (memory) {
      if (!(await isMountPoint(dir))) await mountTmpfs(dir, sizeBytes);
    } else {
      const st = await stat(dir);
      if ((st.mode & 0o777) !== EMPTY_DIR_MODE) await chmod(dir, (st.mode & 0o7000) | EMPTY_DIR_MODE);
    }
    if (fsGroup !== undefined) {
      const st = await stat(dir);
      await chown(dir, -1, fsGroup);
      await chmod(dir, (st.mode & 0o7777) | 0o2000 | (readOnly ? 0o550 : 0o770));
    }
  }

  #serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#queues.set(uid, tail);
    void tail.then(() => { if (this.#queues.get(uid) === tail) this.#queues.delete(uid); });
    return next;
  }
}

const podName = (p: Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
