// The resources the server knows: the built-in table plus what CustomResourceDefinitions add at
// run time. Lookups are Map reads; discovery's group list is computed once per change.
import { compareKubeVersions } from '../../machinery/versions.js';
import type { ResourceDef } from '../types.js';
import { BUILTIN_RESOURCES } from './builtin.js';

export interface ApiGroupVersions {
  /** '' is the legacy core group (served under /api). */
  name: string;
  /** Preferred version first, then the others by kube's version priority (v2 > v1 > v1beta1 > v1alpha1). */
  versions: string[];
  preferredVersion: string;
}

export type RegistryChange =
  | { type: 'added'; def: ResourceDef }
  | { type: 'removed'; def: ResourceDef };

export type RegistryListener = (changes: readonly RegistryChange[]) => void;

const gvrKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;
const gvKey = (group: string, version: string) => `${group}/${version}`;

/** Kube's version priority for sorting: negative when `a` sorts first (the higher priority). */
export function compareVersionPriority(a: string, b: string): number {
  return compareKubeVersions(b, a);
}

/**
 * Built-ins plus run-time additions. Definitions are treated as read-only values: add() replaces
 * the entry of the same group/version/resource. Listeners hear of every change (to drop discovery
 * caches); they run synchronously after the registry has changed.
 */
export class ResourceRegistry {
  readonly #byGVR = new Map<string, ResourceDef>();
  /** group/version → resource → def: one group version's list for discovery. */
  readonly #byGV = new Map<string, Map<string, ResourceDef>>();
  /** group/kind and group/resource → version → def: version-free lookups. */
  readonly #byGK = new Map<string, Map<string, ResourceDef>>();
  readonly #byGR = new Map<string, Map<string, ResourceDef>>();
  /** Definitions per group, and the order groups first appeared in (built-ins in kube's order). */
  readonly #groupCount = new Map<string, number>();
  readonly #listeners = new Set<RegistryListener>();
  #groupsCache: ApiGroupVersions[] | undefined;

  constructor(defs: readonly ResourceDef[] = BUILTIN_RESOURCES) {
    for (const d of defs) this.#put(d);
  }

  /** The definition served at /apis/group/version/resource (or /api/v1/resource for group ''). */
  get(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.#byGVR.get(gvrKey(group, version, resource));
  }

  /** The definition of a kind in a version, or in the group's preferred version when none is given. */
  byKind(group: string, kind: string, version?: string): ResourceDef | undefined {
    return this.#pick(group, this.#byGK.get(`${group}/${kind}`), version);
  }

  /** The definition of a resource in a version, or in the group's preferred version when none is given. */
  byResource(group: string, resource: string, version?: string): ResourceDef | undefined {
    return this.#pick(group, this.#byGR.get(`${group}/${resource}`), version);
  }

  /** Groups with their versions, for /api and /apis: core first, then in the order groups were added. A copy. */
  groups(): ApiGroupVersions[] {
    this.#groupsCache ??= this.#computeGroups();
    return this.#groupsCache.map((g) => ({ ...g, versions: [...g.versions] }));
  }

  /** The resources of one group version, sorted by name as discovery lists them. */
  resources(group: string, version: string): ResourceDef[] {
    const m = this.#byGV.get(gvKey(group, version));
    if (!m) return [];
    return [...m.values()].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  }

  all(): IterableIterator<ResourceDef> {
    return this.#byGVR.values();
  }

  /** Add or replace definitions (a CRD's served versions), notifying listeners once. */
  add(...defs: ResourceDef[]): void {
    const changes: RegistryChange[] = [];
    for (const d of defs) {
      const old = this.#drop(gvrKey(d.group, d.version, d.resource));
      if (old) changes.push({ type: 'removed', def: old });
      this.#put(d);
      changes.push({ type: 'added', def: d });
    }
    this.#changed(changes);
  }

  /** Remove one group/version/resource; false when it was not registered. */
  remove(group: string, version: string, resource: string): boolean {
    const old = this.#drop(gvrKey(group, version, resource));
    if (old) this.#changed([{ type: 'removed', def: old }]);
    return old !== undefined;
  }

  /** Remove every definition matching `pred` (all versions of a deleted CRD); returns them. */
  removeWhere(pred: (def: ResourceDef) => boolean): ResourceDef[] {
    const removed = [...this.#byGVR.values()].filter(pred);
    for (const d of removed) this.#drop(gvrKey(d.group, d.version, d.resource));
    this.#changed(removed.map((def) => ({ type: 'removed', def })));
    return removed;
  }

  /** Listen to changes; returns the function that stops listening. */
  onChange(listener: RegistryListener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  #put(d: ResourceDef): void {
    this.#byGVR.set(gvrKey(d.group, d.version, d.resource), d);
    index(this.#byGV, gvKey(d.group, d.version), d.resource, d);
    index(this.#byGK, `${d.group}/${d.kind}`, d.version, d);
    index(this.#byGR, `${d.group}/${d.resource}`, d.version, d);
    this.#groupCount.set(d.group, (this.#groupCount.get(d.group) ?? 0) + 1);
  }

  #drop(key: string): ResourceDef | undefined {
    const d = this.#byGVR.get(key);
    if (!d) return undefined;
    this.#byGVR.delete(key);
    unindex(this.#byGV, gvKey(d.group, d.version), d.resource);
    unindex(this.#byGK, `${d.group}/${d.kind}`, d.version);
    unindex(this.#byGR, `${d.group}/${d.resource}`, d.version);
    const n = (this.#groupCount.get(d.group) ?? 1) - 1;
    if (n === 0) this.#groupCount.delete(d.group);
    else this.#groupCount.set(d.group, n);
    return d;
  }

  #changed(changes: RegistryChange[]): void {
    if (changes.length === 0) return;
    this.#groupsCache = undefined;
    for (const l of [...this.#listeners]) l(changes);
  }

  #pick(group: string, byVersion: Map<string, ResourceDef> | undefined, version: string | undefined): ResourceDef | undefined {
    if (!byVersion) return undefined;
    if (version !== undefined) return byVersion.get(version);
    this.#groupsCache ??= this.#computeGroups();
    for (const v of this.#groupsCache.find((g) => g.name === group)?.versions ?? []) {
      const d = byVersion.get(v);
      if (d) return d;
    }
    return undefined;
  }

  #computeGroups(): ApiGroupVersions[] {
    const versionsOf = new Map<string, Set<string>>();
    const preferredOf = new Map<string, string>();
    for (const d of this.#byGVR.values()) {
      let vs = versionsOf.get(d.group);
      if (!vs) versionsOf.set(d.group, (vs = new Set()));
      vs.add(d.version);
      if (d.preferredVersion) preferredOf.set(d.group, d.version);
    }
    const names = [...this.#groupCount.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
    return names.flatMap((name) => {
      const sorted = [...(versionsOf.get(name) ?? [])].sort(compareVersionPriority);
      const preferred = preferredOf.get(name) ?? sorted[0];
      if (preferred === undefined) return [];
      return [{ name, versions: [preferred, ...sorted.filter((v) => v !== preferred)], preferredVersion: preferred }];
    });
  }
}

function index(m: Map<string, Map<string, ResourceDef>>, key: string, sub: string, d: ResourceDef): void {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  inner.set(sub, d);
}

function unindex(m: Map<string, Map<string, ResourceDef>>, key: string, sub: string): void {
  const inner = m.get(key);
  if (!inner) return;
  inner.delete(sub);
  if (inner.size === 0) m.delete(key);
}
