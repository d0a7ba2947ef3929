// The schema strategic merge patch walks: for each field, whether it is an object, map, list or
// scalar and the patchStrategy/patchMergeKey tags of the field (what apimachinery's strategicpatch
// reads from Go struct tags, or from x-kubernetes-patch-* in OpenAPI as kubectl does).
import type { GroupVersionKind } from '../types.js';
import { definitionNameForGVK, schemaNamed } from './schemas.js';
import { OBJECT_META, shapeOf } from './shape.js';
import type { Shape } from './shape.js';
import type { OpenAPISchema, PatchSchema } from './types.js';

interface Tags { patchStrategy?: string; patchMergeKey?: string }

/** One node, built lazily: children are made on first use and kept (schemas are recursive: JSONSchemaProps). */
class SchemaNode implements PatchSchema {
  readonly type: PatchSchema['type'];
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
  readonly #shape: Shape;
  readonly #crd: boolean;
  readonly #typeMeta: boolean;
  readonly #children = new Map<string, SchemaNode | undefined>();
  #items: SchemaNode | undefined;

  constructor(shape: Shape, crd: boolean, tags: Tags, typeMeta: boolean) {
    this.#shape = shape;
    this.#crd = crd;
    this.#typeMeta = typeMeta;
    if (tags.patchStrategy !== undefined) this.patchStrategy = tags.patchStrategy;
    if (tags.patchMergeKey !== undefined) this.patchMergeKey = tags.patchMergeKey;
    this.type = shape.kind === 'free' ? 'unknown' : shape.kind === 'object' ? 'object' : shape.kind;
  }

  field(name: string): PatchSchema | undefined {
    const shape = this.#shape;
    if (shape.kind === 'map') return this.#child('', shape.values);
    if (shape.kind !== 'object') return undefined;
    if (this.#typeMeta && name === 'metadata') return this.#child(name, { $ref: `#/definitions/${OBJECT_META}` });
    if (this.#typeMeta && (name === 'apiVersion' || name === 'kind')) return this.#child(name, { type: 'string' });
    const prop = shape.properties[name];
    return prop ? this.#child(name, prop) : undefined;
  }

  get items(): PatchSchema | undefined {
    if (this.#shape.kind !== 'list') return undefined;
    this.#items ??= nodeFor(this.#shape.items, this.#crd, {});
    return this.#items;
  }

  #child(name: string, prop: OpenAPISchema): SchemaNode {
    let node = this.#children.get(name);
    if (!node) {
      node = nodeFor(prop, this.#crd, tagsOf(prop));
      this.#children.set(name, node);
    }
    return node;
  }
}

function nodeFor(schema: OpenAPISchema, crd: boolean, tags: Tags, typeMeta = false): SchemaNode {
  const { shape } = shapeOf(schema, crd);
  return new SchemaNode(shape, crd, tags, typeMeta || (shape.kind === 'object' && shape.embedded));
}

/** Tags sit on the property that holds the node (x-kubernetes-patch-strategy beside the $ref). */
function tagsOf(prop: OpenAPISchema): Tags {
  const tags: Tags = {};
  const strategy = prop['x-kubernetes-patch-strategy'];
  const key = prop['x-kubernetes-patch-merge-key'];
  if (typeof strategy === 'string') tags.patchStrategy = strategy;
  if (typeof key === 'string') tags.patchMergeKey = key;
  return tags;
}

const cache = new Map<string, SchemaNode>();

/**
 * The PatchSchema of a kind, or undefined when no schema is known (strategic merge patch then
 * answers 415 for custom resources, as kube-apiserver does). Built-in kinds are cached; registered
 * schemas are rebuilt each call since they change with their CRD.
 */
export function patchSchemaFor(gvk: GroupVersionKind): PatchSchema | undefined {
  const found = definitionNameForGVK(gvk);
  if (!found) return undefined;
  if (!found.extra) {
    const cached = cache.get(found.name);
    if (cached) return cached;
  }
  const schema = schemaNamed(found.name)?.schema;
  if (!schema) return undefined;
  const node = nodeFor(schema, found.extra, {}, true);
  if (!found.extra) cache.set(found.name, node);
  return node;
}
