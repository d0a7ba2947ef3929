// Storage keys: /registry/<group or core>/<resource>/<namespace>/<name> (cluster-scoped: no namespace).
// Versions of one resource share keys (storageGroup/storageResource), so autoscaling/v1 and v2 HPAs
// and core/events.k8s.io Events are the same objects.
import type { ResourceDef } from '../../api/types.js';
import type { GroupResource } from '../../machinery/errors.js';

export const gr = (def: ResourceDef): GroupResource => ({ group: def.group, resource: def.resource });

export function resourcePrefix(def: ResourceDef): string {
  return `/registry/${def.storageGroup || 'core'}/${def.storageResource}/`;
}

/** Prefix of a list: all namespaces ('' namespace) or one. */
export function listPrefix(def: ResourceDef, namespace: string): string {
  const base = resourcePrefix(def);
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: ResourceDef, namespace: string, name: string): string {
  const base = resourcePrefix(def);
  return def.namespaced ? `${base}${namespace}/${name}` : `${base}${name}`;
}

/** Namespace and name back from a key under resourcePrefix(def). */
export function parseKey(def: ResourceDef, key: string): { namespace: string; name: string } {
  const rest = key.slice(resourcePrefix(def).length);
  if (!def.namespaced) return { namespace: '', name: rest };
  const i = rest.indexOf('/');
  return { namespace: rest.slice(0, i), name: rest.slice(i + 1) };
}
