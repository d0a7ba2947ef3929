// Resource arithmetic of the scheduler: what a pod requests (k8s.io/component-helpers/resource
// PodRequests: containers summed, init containers by the max rule with sidecars running alongside,
// plus overhead) and what a node offers (status.allocatable), as plain numbers.
import { intValue, parseQuantity, toMilli } from '../machinery/quantity.js';
import type { Container, PodSpec, ResourceList } from './api-types.js';

/**
 * Requested or allocatable amounts: cpu in millicores, memory and ephemeral storage in bytes.
 * A class so every instance has one shape: filters read these for hundreds of nodes per pod.
 */
export class Resources {
  milliCpu = 0;
  memory = 0;
  ephemeralStorage = 0;
  /** Extended, hugepages-* and attachable-volumes-* resources (whole units); undefined when none. */
  scalar: Map<string, number> | undefined = undefined;
  /** Pods a node allows (allocatable only). */
  pods = 0;
}

/** What a node offers; `pods` is its pod capacity. */
export type Allocatable = Resources;

/** kube-scheduler's defaults for containers that request no cpu/memory (pkg/scheduler/util DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => new Resources();

/** v1helper.IsScalarResourceName: extended resources, hugepages and attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}

// Pods of one workload repeat the same few quantity strings: parse each once.
const parsed = new Map<string, { milli: number; value: number }>();
const MAX_PARSED = 10_000;

function quantity(v: string | number): { milli: number; value: number } {
  const key = String(v);
  let q = parsed.get(key);
  if (!q) {
    try {
      const p = parseQuantity(key);
      q = { milli: toMilli(p), value: intValue(p) };
    } catch {
      q = { milli: 0, value: 0 }; // the API server validates quantities; never fail scheduling on one
    }
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(key, q);
  }
  return q;
}

/** Adds a ResourceList to `into` (cpu, memory, ephemeral-storage and scalar resources). */
export function addResourceList(into: Resources, list: ResourceList | undefined, sign = 1): void {
  if (!list) return;
  for (const name in list) {
    const raw = list[name];
    if (raw === undefined) continue;
    const q = quantity(raw);
    switch (name) {
      case 'cpu': into.milliCpu += sign * q.milli; break;
      case 'memory': into.memory += sign * q.value; break;
      case 'ephemeral-storage': into.ephemeralStorage += sign * q.value; break;
      default:
        if (isScalarResourceName(name)) {
          into.scalar ??= new Map();
          into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * q.value);
        }
    }
  }
}

export function addResources(into: Resources, r: Readonly<Resources>, sign = 1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
  }
}

function maxInto(into: Resources, r: Readonly<Resources>): void {
  into.milliCpu = Math.max(into.milliCpu, r.milliCpu);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
  }
}

function copy(r: Readonly<Resources>): Resources {
  const c = new Resources();
  addResources(c, r);
  return c;
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = emptyResources();
  const req = c.resources?.requests;
  addResourceList(r, req);
  if (nonZero) {
    // GetNonzeroRequests: only a request that is absent gets the default; an explicit 0 stays 0.
    if (req?.cpu === undefined) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (req?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * resourcehelper.PodRequests: the sum of the app containers, raised to what any init container needs
 * while it runs (a sidecar — an init container with restartPolicy Always — keeps running, so it adds
 * to the app containers and to every later init container), plus the pod overhead.
 * `nonZero` applies the scheduler's defaults to containers without cpu/memory requests (for scoring).
 */
export function podRequests(spec: Readonly<PodSpec> | undefined, nonZero = false): Resources {
  const reqs = emptyResources();
  for (const c of spec?.containers ?? []) addResources(reqs, containerRequests(c, nonZero));
  const init = spec?.initContainers;
  if (init && init.length > 0) {
    const sidecars = emptyResources();
    const initMax = emptyResources();
    for (const c of init) {
      const r = containerRequests(c, nonZero);
      if (c.restartPolicy === 'Always') {
        addResources(reqs, r);
        addResources(sidecars, r);
        maxInto(initMax, sidecars);
      } else {
        const during = copy(r);
        addResources(during, sidecars);
        maxInto(initMax, during);
      }
    }
    maxInto(reqs, initMax);
  }
  addResourceList(reqs, spec?.overhead);
  return reqs;
}

/** What a node offers pods: status.allocatable (the API server defaults it to capacity). */
export function nodeAllocatable(list: ResourceList | undefined): Allocatable {
  const a = new Resources();
  addResourceList(a, list);
  if (list?.pods !== undefined) a.pods = quantity(list.pods).value;
  return a;
}
