// The definitions k8ts knows: the built-in ones generated at build time, plus schemas registered at
// run time per group-version (CustomResourceDefinitions), and lookups by name, $ref and GVK.
import type { GroupVersionKind } from '../types.js';
import { loadDefinitions } from './load.js';
import type { GroupVersionPath, OpenAPIResource, OpenAPISchema } from './types.js';

interface ExtraEntry {
  readonly schemas: Readonly<Record<string, OpenAPISchema>>;
  readonly resources: readonly OpenAPIResource[];
}

const extras = new Map<GroupVersionPath, ExtraEntry>();
const changeListeners = new Set<(gvPath: GroupVersionPath) => void>();
let builtinByGVK: Map<string, string> | undefined;
let extraByGVK: Map<string, string> | undefined;

const gvkKey = (gvk: GroupVersionKind): string => `${gvk.group}/${gvk.version}/${gvk.kind}`;

/**
 * Adds (or replaces) the schemas of one group-version, e.g. a CRD version's openAPIV3Schema under
 * its definition name (`com.example.v1.Widget`, kube names CRD definitions by reversed group). Each
 * kind schema should carry `x-kubernetes-group-version-kind`; `resources` add the paths
 * `kubectl explain` looks a kind up by. Replaces what was registered for that path before.
 */
export function registerExtraSchemas(
  gvPath: GroupVersionPath,
  schemas: Readonly<Record<string, object>>,
  resources: readonly OpenAPIResource[] = [],
): void {
  extras.set(gvPath, { schemas: structuredClone(schemas) as Record<string, OpenAPISchema>, resources: [...resources] });
  changed(gvPath);
}

/** Removes what registerExtraSchemas added for a group-version; false when nothing was there. */
export function unregisterExtraSchemas(gvPath: GroupVersionPath): boolean {
  const had = extras.delete(gvPath);
  if (had) changed(gvPath);
  return had;
}

function changed(gvPath: GroupVersionPath): void {
  extraByGVK = undefined;
  for (const listener of changeListeners) listener(gvPath);
}

/** Called with the group-version path after every register/unregister (document caches listen). */
export function onExtraSchemasChange(listener: (gvPath: GroupVersionPath) => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

export function extraEntries(): ReadonlyMap<GroupVersionPath, ExtraEntry> {
  return extras;
}

/** A definition by name; `extra` says it came from registerExtraSchemas (CRD semantics apply). */
export function schemaNamed(name: string): { schema: OpenAPISchema; extra: boolean } | undefined {
  for (const entry of extras.values()) {
    const schema = entry.schemas[name];
    if (schema) return { schema, extra: true };
  }
  const schema = loadDefinitions()[name];
  return schema ? { schema, extra: false } : undefined;
}

/** `#/definitions/x` or `#/components/schemas/x` → `x`. */
export function refName(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return slash >= 0 ? ref.slice(slash + 1) : ref;
}

/** Follows $ref (and a lone allOf wrapper, as v3 documents write refs) to the schema that has the content. */
export function resolve(schema: OpenAPISchema): { schema: OpenAPISchema; name?: string } {
  let current = schema;
  let name: string | undefined;
  for (let hops = 0; hops < 16; hops++) {
    const ref = current.$ref ?? (current.allOf?.length === 1 && !current.properties ? current.allOf[0]?.$ref : undefined);
    if (ref === undefined) break;
    name = refName(ref);
    const target = schemaNamed(name);
    if (!target) break;
    current = target.schema;
  }
  return name === undefined ? { schema: current } : { schema: current, name };
}

/** Name of the definition whose x-kubernetes-group-version-kind lists gvk. */
export function definitionNameForGVK(gvk: GroupVersionKind): { name: string; extra: boolean } | undefined {
  extraByGVK ??= indexByGVK([...extras.values()].flatMap((e) => Object.entries(e.schemas)));
  const extraName = extraByGVK.get(gvkKey(gvk));
  if (extraName !== undefined) return { name: extraName, extra: true };
  builtinByGVK ??= indexByGVK(Object.entries(loadDefinitions()));
  const name = builtinByGVK.get(gvkKey(gvk));
  return name === undefined ? undefined : { name, extra: false };
}

/** The schema of a kind (io.k8s.api.apps.v1.Deployment for apps/v1 Deployment), built-in or registered. */
export function definitionForGVK(gvk: GroupVersionKind): OpenAPISchema | undefined {
  const found = definitionNameForGVK(gvk);
  return found ? schemaNamed(found.name)?.schema : undefined;
}

function indexByGVK(entries: [string, OpenAPISchema][]): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, schema] of entries) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) index.set(gvkKey(gvk), name);
  }
  return index;
}
