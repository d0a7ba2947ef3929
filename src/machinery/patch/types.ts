// The patch schema: what strategic merge patch needs to know about a type, i.e. what the Go
// struct tags `patchStrategy` and `patchMergeKey` say (k8s.io/apimachinery/pkg/util/strategicpatch
// LookupPatchMeta). The OpenAPI module implements it for built-in kinds; patchSchemaFromJson builds
// one from a plain nested object (tests, or hand-written tables).

/** Patch-relevant shape of a schema node (what Go struct tags patchStrategy/patchMergeKey say). */
export interface PatchSchema {
  readonly type: 'object' | 'map' | 'list' | 'scalar' | 'unknown';
  /** object: schema of the named field; map: schema of every value (name ignored). undefined = unknown. */
  field(name: string): PatchSchema | undefined;
  /** list: schema of one element. */
  readonly items?: PatchSchema;
  /** Tags of the field holding this node, e.g. 'merge', 'retainKeys', 'merge,retainKeys', 'replace'. */
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
}

/** A plain description of a PatchSchema tree. */
export interface PatchSchemaDescriptor {
  /** Inferred when absent: `fields` → object, `values` → map, `items` → list, otherwise scalar. */
  readonly type?: PatchSchema['type'];
  /** object: its known fields. */
  readonly fields?: Readonly<Record<string, PatchSchemaDescriptor>>;
  /** map: the schema of every value. */
  readonly values?: PatchSchemaDescriptor;
  /** list: the schema of one element. */
  readonly items?: PatchSchemaDescriptor;
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
}

/**
 * Build a PatchSchema from a descriptor, e.g.
 * `{ fields: { containers: { patchStrategy: 'merge', patchMergeKey: 'name', items: { fields: {...} } } } }`.
 */
export function patchSchemaFromJson(d: PatchSchemaDescriptor): PatchSchema {
  const type = d.type ?? (d.fields ? 'object' : d.values ? 'map' : d.items ? 'list' : 'scalar');
  const fields = new Map<string, PatchSchema>();
  for (const [name, sub] of Object.entries(d.fields ?? {})) fields.set(name, patchSchemaFromJson(sub));
  const values = d.values ? patchSchemaFromJson(d.values) : undefined;
  const node: PatchSchema = {
    type,
    field: (name) => (type === 'map' ? values : type === 'object' ? fields.get(name) : undefined),
    ...(d.items ? { items: patchSchemaFromJson(d.items) } : {}),
    ...(d.patchStrategy !== undefined ? { patchStrategy: d.patchStrategy } : {}),
    ...(d.patchMergeKey !== undefined ? { patchMergeKey: d.patchMergeKey } : {}),
  };
  return Object.freeze(node);
}
