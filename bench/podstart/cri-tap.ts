// The kubelet's CRI calls, timed from this process: CriClient's methods are wrapped on its prototype
// (the kubelet runs in this process and builds its own CriClient from the same module), so every
// call the kubelet makes is noted with its start and end; the bench's own CriClient instances are
// left out. RunPodSandbox / CreateContainer / StartContainer are tied to the pod by name; every call
// also goes into a log, for counting what the kubelet asked of the runtime during a round.
import { L_POD_UID } from '../../src/kubelet/pods/labels.js';
import { CriClient } from '../../src/kubelet/runtime/cri/index.js';
import { wallMs } from './tap.js';

export interface CallSpan { sentAt: number; doneAt: number }

export interface PodCriTimes {
  runPodSandbox?: CallSpan;
  createContainer?: CallSpan;
  startContainer?: CallSpan;
}

export interface CriCall { method: string; sentAt: number; doneAt: number; failed: boolean }

export interface CriTap {
  /** Instances whose calls are not noted (the bench's own). */
  exclude(c: CriClient): void;
  pod(name: string): PodCriTimes | undefined;
  /** Calls that began in [from, to). */
  calls(from: number, to: number): CriCall[];
  clear(): void;
}

const METHODS = [
  'version', 'status', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'podSandboxStatus', 'listPodSandbox',
  'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'containerStatus',
  'listImages', 'imageStatus', 'pullImage', 'execSync',
] as const;

/** List calls named by what they list: one pod (the pod worker) or the whole node (the relist). */
function callName(m: string, args: unknown[]): string {
  if (m !== 'listPodSandbox' && m !== 'listContainers') return m;
  const sel = (args[0] as { label_selector?: Record<string, string> } | undefined)?.label_selector ?? {};
  return `${m} (${L_POD_UID in sel ? 'one pod' : 'whole node'})`;
}

let installed: CriTap | undefined;

export function tapCri(): CriTap {
  if (installed) return installed;
  const excluded = new WeakSet<object>();
  const byPod = new Map<string, PodCriTimes>();
  const containerPod = new Map<string, string>();
  let log: CriCall[] = [];
  const entry = (name: string): PodCriTimes => {
    let e = byPod.get(name);
    if (!e) byPod.set(name, (e = {}));
    return e;
  };
  const proto = CriClient.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const m of METHODS) {
    const orig = proto[m];
    if (typeof orig !== 'function') continue;
    proto[m] = function (this: object, ...args: unknown[]) {
      if (excluded.has(this)) return orig.apply(this, args);
      const sentAt = wallMs();
      const done = (failed: boolean, result?: unknown) => {
        const doneAt = wallMs();
        log.push({ method: callName(m, args), sentAt, doneAt, failed });
        if (failed) return;
        const span = { sentAt, doneAt };
        if (m === 'runPodSandbox') {
          const name = (args[0] as { metadata?: { name?: string } }).metadata?.name;
          if (name) entry(name).runPodSandbox ??= span;
        } else if (m === 'createContainer') {
          const name = (args[2] as { metadata?: { name?: string } }).metadata?.name;
          if (name) { entry(name).createContainer ??= span; containerPod.set(String(result), name); }
        } else if (m === 'startContainer') {
          const name = containerPod.get(String(args[0]));
          if (name) entry(name).startContainer ??= span;
        }
      };
      const p = orig.apply(this, args);
      p.then((r) => done(false, r), () => done(true));
      return p;
    };
  }
  installed = {
    exclude: (c) => { excluded.add(c); },
    pod: (name) => byPod.get(name),
    calls: (from, to) => log.filter((c) => c.sentAt >= from && c.sentAt < to),
    clear: () => { byPod.clear(); containerPod.clear(); log = []; },
  };
  return installed;
}
