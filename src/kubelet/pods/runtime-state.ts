// What the container runtime holds for this node's pods, read through CRI and grouped by pod uid.
// ListPodSandbox/ListContainers give ids and states; ContainerStatus adds times and exit codes,
// fetched once per container state (an exited container never changes again).
import type { CriClient, Container as CriContainer, ContainerStatus as CriContainerStatus, PodSandbox } from '../runtime/cri/index.js';
import { isNotFound } from '../runtime/cri/index.js';
import { A_CONTAINER_HASH, A_RESTART_COUNT, A_TERMINATION_FILE, L_CONTAINER_KIND, L_CONTAINER_NAME, L_NODE, L_POD_NAME, L_POD_NAMESPACE, L_POD_UID } from './labels.js';

export interface SandboxInfo {
  id: string;
  ready: boolean;
  attempt: number;
  createdAt: number; // ms
}

export interface ContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  kind: 'init' | 'regular';
  state: 'created' | 'running' | 'exited' | 'unknown';
  restartCount: number;
  hash: string;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  /** The image as the runtime reports it (e.g. 127.0.0.1:5000/k8ts-test/web:1). */
  image: string;
  imageRef: string;
  logPath: string;
  annotations: Record<string, string>;
  terminationFile?: string;
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  /** Newest first. */
  sandboxes: SandboxInfo[];
  /** Newest first (by restart count, then creation). */
  containers: ContainerInfo[];
}

const nsToMs = (ns: string | undefined): number => (ns && ns !== '0' ? Math.floor(Number(BigInt(ns) / 1_000_000n)) : 0);

const STATE: Record<string, ContainerInfo['state']> = {
  CONTAINER_CREATED: 'created', CONTAINER_RUNNING: 'running', CONTAINER_EXITED: 'exited', CONTAINER_UNKNOWN: 'unknown',
};

/** Reads and caches container statuses; exited ones are final. */
export class RuntimeReader {
  readonly #final = new Map<string, CriContainerStatus>();

  constructor(private readonly cri: CriClient, private readonly nodeName: string) {}

  /** Every pod of this node the runtime knows, by uid. */
  async all(): Promise<Map<string, PodRuntime>> {
    const sel = { label_selector: { [L_NODE]: this.nodeName } };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox(sel), this.cri.listContainers(sel)]);
    return this.#group(sandboxes, containers);
  }

  /** One pod's sandboxes and containers. */
  async pod(uid: string): Promise<PodRuntime | undefined> {
    const sel = { label_selector: { [L_NODE]: this.nodeName, [L_POD_UID]: uid } };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox(sel), this.cri.listContainers(sel)]);
    return (await this.#group(sandboxes, containers)).get(uid);
  }

  /** A cheap fingerprint of the runtime's view (ids and states), to notice change without ContainerStatus calls. */
  async fingerprints(): Promise<Map<string, string>> {
    const sel = { label_selector: { [L_NODE]: this.nodeName } };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox(sel), this.cri.listContainers(sel)]);
    const out = new Map<string, string[]>();
    const add = (uid: string, s: string) => { const l = out.get(uid); if (l) l.push(s); else out.set(uid, [s]); };
    for (const s of sandboxes) add(s.labels[L_POD_UID] ?? '', `${s.id}:${s.state}`);
    for (const c of containers) add(c.labels[L_POD_UID] ?? '', `${c.id}:${c.state}`);
    return new Map([...out].map(([k, v]) => [k, v.sort().join(',')]));
  }

  forget(containerId: string): void { this.#final.delete(containerId); }

  async #status(c: CriContainer): Promise<CriContainerStatus | undefined> {
    const cached = this.#final.get(c.id);
    if (cached) return cached;
    try {
      const r = await this.cri.containerStatus(c.id);
      if (r.status && r.status.state === 'CONTAINER_EXITED') this.#final.set(c.id, r.status);
      return r.status ?? undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async #group(sandboxes: PodSandbox[], containers: CriContainer[]): Promise<Map<string, PodRuntime>> {
    const pods = new Map<string, PodRuntime>();
    const podOf = (labels: Record<string, string>): PodRuntime => {
      const uid = labels[L_POD_UID] ?? '';
      let p = pods.get(uid);
      if (!p) pods.set(uid, (p = { uid, namespace: labels[L_POD_NAMESPACE] ?? '', name: labels[L_POD_NAME] ?? '', sandboxes: [], containers: [] }));
      return p;
    };
    for (const s of sandboxes) {
      podOf(s.labels).sandboxes.push({ id: s.id, ready: s.state === 'SANDBOX_READY', attempt: s.metadata?.attempt ?? 0, createdAt: nsToMs(s.created_at) });
    }
    const statuses = await Promise.all(containers.map((c) => this.#status(c)));
    containers.forEach((c, i) => {
      const st = statuses[i];
      if (!st) return;
      const ann = st.annotations ?? c.annotations;
      podOf(c.labels).containers.push({
        id: c.id,
        sandboxId: c.pod_sandbox_id,
        name: c.labels[L_CONTAINER_NAME] ?? c.metadata?.name ?? '',
        kind: c.labels[L_CONTAINER_KIND] === 'init' ? 'init' : 'regular',
        state: STATE[st.state] ?? 'unknown',
        restartCount: Number(ann[A_RESTART_COUNT] ?? c.metadata?.attempt ?? 0),
        hash: ann[A_CONTAINER_HASH] ?? '',
        createdAt: nsToMs(st.created_at),
        startedAt: nsToMs(st.started_at),
        finishedAt: nsToMs(st.finished_at),
        exitCode: st.exit_code,
        reason: st.reason,
        message: st.message,
        image: st.image?.image ?? c.image?.image ?? '',
        imageRef: st.image_ref || c.image_ref,
        logPath: st.log_path,
        annotations: ann,
        ...(ann[A_TERMINATION_FILE] ? { terminationFile: ann[A_TERMINATION_FILE] } : {}),
      });
    });
    for (const p of pods.values()) {
      p.sandboxes.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
      p.containers.sort((a, b) => b.restartCount - a.restartCount || b.createdAt - a.createdAt);
    }
    return pods;
  }
}

/** The newest instance of a container by name (and kind). */
export const latestOf = (rt: PodRuntime | undefined, name: string, kind: 'init' | 'regular'): ContainerInfo | undefined =>
  rt?.containers.find((c) => c.name === name && c.kind === kind);

/** The instance before the newest, for lastState. */
export const previousOf = (rt: PodRuntime | undefined, name: string, kind: 'init' | 'regular'): ContainerInfo | undefined =>
  rt?.containers.filter((c) => c.name === name && c.kind === kind)[1];
