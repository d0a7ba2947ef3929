// What a schema node accepts, reduced to the cases the checks and the patch schema care about.
import { resolve } from './schemas.js';
import type { OpenAPISchema } from './types.js';

export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Built-in types that hold arbitrary JSON (Go: runtime.RawExtension, FieldsV1, apiextensions JSON…). */
const FREE_FORM = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
]);

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity';

export type Shape =
  /** `open`: unknown fields are kept (x-kubernetes-preserve-unknown-fields). */
  | { kind: 'object'; schema: OpenAPISchema; properties: Readonly<Record<string, OpenAPISchema>>; open: boolean; embedded: boolean }
  | { kind: 'map'; schema: OpenAPISchema; values: OpenAPISchema }
  | { kind: 'list'; schema: OpenAPISchema; items: OpenAPISchema }
  | { kind: 'scalar'; schema: OpenAPISchema; type: ScalarType; format?: string }
  | { kind: 'free'; schema: OpenAPISchema };

/**
 * The shape of a schema node, after following $refs. `name` is the definition reached (its last
 * segment is the Go struct name used in decode errors). `crd` selects CustomResourceDefinition
 * semantics: there an object schema without properties prunes everything under it, while a built-in
 * object without properties (RawExtension) holds anything.
 */
export function shapeOf(node: OpenAPISchema, crd: boolean): { shape: Shape; name?: string } {
  const { schema, name } = resolve(node);
  const at = (shape: Shape): { shape: Shape; name?: string } => (name === undefined ? { shape } : { shape, name });
  if (name === QUANTITY) return at({ kind: 'scalar', schema, type: 'quantity' });
  if (name === INT_OR_STRING || schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') {
    return at({ kind: 'scalar', schema, type: 'int-or-string' });
  }
  if (name !== undefined && FREE_FORM.has(name)) return at({ kind: 'free', schema });
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  if (schema.type === 'array' || schema.items) {
    return at(schema.items ? { kind: 'list', schema, items: schema.items } : { kind: 'free', schema });
  }
  if (schema.properties) {
    return at({ kind: 'object', schema, properties: schema.properties, open: preserve, embedded });
  }
  if (typeof schema.additionalProperties === 'object') {
    return at({ kind: 'map', schema, values: schema.additionalProperties });
  }
  if (schema.type === 'object' || embedded) {
    // CRD: `type: object` alone prunes its content unless it preserves unknown fields.
    if (crd && !preserve && schema.additionalProperties !== true) {
      return at({ kind: 'object', schema, properties: {}, open: false, embedded });
    }
    return at({ kind: 'free', schema });
  }
  switch (schema.type) {
    case 'string': case 'integer': case 'number': case 'boolean':
      return at(schema.format ? { kind: 'scalar', schema, type: schema.type, format: schema.format } : { kind: 'scalar', schema, type: schema.type });
    default:
      return at({ kind: 'free', schema });
  }
}
