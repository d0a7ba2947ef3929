// Checks of a decoded object against its kind's schema, as kube-apiserver's decoding does:
// unknown fields (dropped, and reported by strict field validation, as sigs.k8s.io/json and the CRD
// structural pruning name them) and values of the wrong JSON type (Go's encoding/json
// UnmarshalTypeError for built-in kinds, 400; schema type validation for custom resources, 422).
import { isPlainObject } from '../../machinery/object.js';
import type { GroupVersionKind } from '../types.js';
import { definitionNameForGVK, schemaNamed } from './schemas.js';
import { OBJECT_META, shapeOf } from './shape.js';
import type { Shape } from './shape.js';
import type { FieldTypeError, OpenAPISchema } from './types.js';

const META_REF: OpenAPISchema = { $ref: `#/definitions/${OBJECT_META}` };

interface Root { schema: OpenAPISchema; name: string; crd: boolean }

function rootFor(gvk: GroupVersionKind): Root | undefined {
  const found = definitionNameForGVK(gvk);
  const schema = found ? schemaNamed(found.name)?.schema : undefined;
  return found && schema ? { schema, name: found.name, crd: found.extra } : undefined;
}

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * Removes, in place, every field the kind's schema does not know and returns their paths
 * (`spec.replicass`, `spec.template.spec.containers[0].imagee`), for `unknown field "…"` errors
 * under fieldValidation=Strict and warnings under Warn. apiVersion and kind are always known;
 * metadata is checked against ObjectMeta; free-form values (RawExtension, JSON, IntOrString,
 * Quantity, x-kubernetes-preserve-unknown-fields) are never entered. Unknown GVK: nothing is pruned.
 */
export function pruneUnknownFields(obj: unknown, gvk: GroupVersionKind): string[] {
  const root = rootFor(gvk);
  const unknown: string[] = [];
  if (root && isPlainObject(obj)) prune(obj, root.schema, '', root.crd, true, unknown);
  return unknown;
}

function prune(value: unknown, node: OpenAPISchema, path: string, crd: boolean, isRoot: boolean, out: string[]): void {
  const { shape } = shapeOf(node, crd);
  switch (shape.kind) {
    case 'object': {
      if (!isPlainObject(value)) return;
      const typeMeta = isRoot || shape.embedded;
      for (const key of Object.keys(value)) {
        if (typeMeta && (key === 'apiVersion' || key === 'kind')) continue;
        const prop = typeMeta && key === 'metadata' ? META_REF : shape.properties[key];
        if (prop) prune(value[key], prop, child(path, key), crd, false, out);
        else if (!shape.open) {
          out.push(child(path, key));
          delete value[key];
        }
      }
      return;
    }
    case 'map':
      if (!isPlainObject(value)) return;
      // CRD pruning names map entries field.Path-style (`[key]`); Go's decoder pushes the key as a name.
      for (const [key, v] of Object.entries(value)) prune(v, shape.values, crd ? `${path}[${key}]` : child(path, key), crd, false, out);
      return;
    case 'list':
      if (!Array.isArray(value)) return;
      value.forEach((v, i) => prune(v, shape.items, `${path}[${i}]`, crd, false, out));
      return;
    default:
      return;
  }
}

/**
 * Values whose JSON type the schema does not accept: `{path: 'spec.replicas', message: 'json: cannot
 * unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'}` for built-in
 * kinds (the message kube-apiserver wraps into its 400), or `spec.replicas in body must be of type
 * integer: "string"` for registered (CRD) schemas. null is accepted everywhere (it decodes to the
 * zero value). Integers must be integral and int32 fields in range.
 */
export function typeErrors(obj: unknown, gvk: GroupVersionKind): FieldTypeError[] {
  const root = rootFor(gvk);
  const out: FieldTypeError[] = [];
  if (!root || !isPlainObject(obj)) return out;
  const ctx: Ctx = { crd: root.crd, out };
  checkObjectFields(obj, shapeOf(root.schema, root.crd).shape, '', '', shortName(root.name), true, ctx);
  return out;
}

interface Ctx { crd: boolean; out: FieldTypeError[] }

/** `path`: kube field path with indices; `goPath`: Go's dotted JSON path (no indices) for messages. */
function check(value: unknown, node: OpenAPISchema, path: string, goPath: string, struct: string, ctx: Ctx): void {
  if (value === null || value === undefined) return;
  const { shape, name } = shapeOf(node, ctx.crd);
  const found = jsonType(value);
  const bad = mismatch(shape, value);
  if (bad) {
    ctx.out.push({
      path,
      message: ctx.crd
        ? `${path} in body must be of type ${expectedOpenAPIType(shape)}: "${found}"`
        : `json: cannot unmarshal ${bad} into Go struct field ${struct}.${goPath} of type ${goType(shape, name)}`,
    });
    return;
  }
  switch (shape.kind) {
    case 'object':
      checkObjectFields(value as Record<string, unknown>, shape, path, goPath, name ? shortName(name) : struct, shape.embedded, ctx);
      return;
    case 'map':
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        check(v, shape.values, ctx.crd ? `${path}[${key}]` : child(path, key), goPath, struct, ctx);
      }
      return;
    case 'list':
      (value as unknown[]).forEach((v, i) => check(v, shape.items, `${path}[${i}]`, goPath, struct, ctx));
      return;
    default:
      return;
  }
}

function checkObjectFields(
  value: Record<string, unknown>, shape: Shape, path: string, goPath: string, struct: string, typeMeta: boolean, ctx: Ctx,
): void {
  if (shape.kind !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    const prop = typeMeta && key === 'metadata' ? META_REF : shape.properties[key];
    if (prop) check(v, prop, child(path, key), child(goPath, key), struct, ctx);
  }
}

/** Go's name for the JSON value that did not fit (UnmarshalTypeError.Value), or undefined when it fits. */
function mismatch(shape: Shape, value: unknown): string | undefined {
  const t = jsonType(value);
  const goValue = t === 'boolean' ? 'bool' : t === 'integer' ? 'number' : t;
  switch (shape.kind) {
    case 'object': case 'map': return t === 'object' ? undefined : goValue;
    case 'list': return t === 'array' ? undefined : goValue;
    case 'free': return undefined;
    case 'scalar':
      switch (shape.type) {
        case 'string': return t === 'string' ? undefined : goValue;
        case 'boolean': return t === 'boolean' ? undefined : goValue;
        case 'number': return t === 'number' || t === 'integer' ? undefined : goValue;
        case 'quantity': return t === 'string' || t === 'number' || t === 'integer' ? undefined : goValue;
        case 'int-or-string':
          if (t === 'string' || t === 'integer') return undefined;
          return t === 'number' ? `number ${String(value)}` : goValue;
        case 'integer': {
          if (t === 'number') return `number ${String(value)}`;
          if (t !== 'integer') return goValue;
          const n = value as number;
          const int32 = shape.format === 'int32';
          const inRange = int32 ? n >= -(2 ** 31) && n < 2 ** 31 : Number.isSafeInteger(n);
          return inRange ? undefined : `number ${String(value)}`;
        }
      }
  }
  return undefined;
}

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

function jsonType(value: unknown): JsonType {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(value) ? 'integer' : 'number';
    default: return 'object';
  }
}

function expectedOpenAPIType(shape: Shape): string {
  switch (shape.kind) {
    case 'object': case 'map': return 'object';
    case 'list': return 'array';
    case 'scalar': return shape.type === 'int-or-string' || shape.type === 'quantity' ? 'integer or string' : shape.type;
    default: return 'any';
  }
}

/** `io.k8s.api.apps.v1.DeploymentSpec` → `DeploymentSpec`. */
function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The Go type as reflect prints it in decode errors: int32, []v1.Container, map[string]string, v1.PodSpec. */
function goType(shape: Shape, name: string | undefined): string {
  if (name !== undefined && shape.kind !== 'map' && shape.kind !== 'list') {
    const parts = name.split('.');
    if (shape.kind === 'object' || shape.kind === 'free' || name.includes('IntOrString') || name.includes('Quantity')) {
      return `${parts[parts.length - 2] ?? ''}.${parts[parts.length - 1] ?? ''}`;
    }
  }
  switch (shape.kind) {
    case 'list': {
      const item = shapeOf(shape.items, false);
      return `[]${goType(item.shape, item.name)}`;
    }
    case 'map': {
      const value = shapeOf(shape.values, false);
      return `map[string]${goType(value.shape, value.name)}`;
    }
    case 'object': return 'map[string]interface {}';
    case 'free': return 'interface {}';
    case 'scalar':
      switch (shape.type) {
        case 'integer': return shape.format === 'int32' ? 'int32' : 'int64';
        case 'number': return 'float64';
        case 'boolean': return 'bool';
        default: return 'string';
      }
  }
}
