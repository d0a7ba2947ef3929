// apiextensions.k8s.io/v1 CustomResourceDefinition as it arrives over the wire, and loose
// accessors for the JSONSchemaProps inside it. Bodies are decoded JSON that nothing has checked
// yet, so every reader narrows at run time; the interfaces only document the expected shape.
// https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/custom-resource-definition-v1/
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';

/** An OpenAPI v3 schema node (JSONSchemaProps). Read it through the helpers below. */
export type Schema = Record<string, unknown>;

export interface CRDNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CRDScale {
  specReplicasPath?: string;
  statusReplicasPath?: string;
  labelSelectorPath?: string;
}

export interface CRDSubresources {
  status?: Record<string, unknown>;
  scale?: CRDScale;
}

export interface CRDColumn {
  name?: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath?: string;
}

export interface CRDVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: CRDSubresources;
  additionalPrinterColumns?: CRDColumn[];
}

export interface CRDConversion {
  strategy?: string;
  webhook?: Record<string, unknown>;
}

export interface CRDSpec {
  group?: string;
  names?: CRDNames;
  scope?: string;
  versions?: CRDVersion[];
  conversion?: CRDConversion;
  preserveUnknownFields?: boolean;
}

export interface CRDCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CRDStatus {
  conditions?: CRDCondition[];
  acceptedNames?: CRDNames;
  storedVersions?: string[];
}

export interface CustomResourceDefinition extends KubeObject {
  spec?: CRDSpec;
  status?: CRDStatus;
}

/** A typed optional field that really holds a JSON object (decoded bodies may hold anything). */
export function present<T extends object>(v: T | null | undefined): v is T {
  return isPlainObject(v);
}

// ---- schema accessors ----

export function asSchema(v: unknown): Schema | undefined {
  return isPlainObject(v) ? v : undefined;
}

export function schemaType(s: Schema): string {
  return typeof s.type === 'string' ? s.type : '';
}

export function flag(s: Schema, key: string): boolean {
  return s[key] === true;
}

export function numberOf(s: Schema, key: string): number | undefined {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `properties` in declaration order (object key order of the decoded JSON). */
export function propertiesOf(s: Schema): Array<[string, Schema]> {
  const p = s.properties;
  if (!isPlainObject(p)) return [];
  const out: Array<[string, Schema]> = [];
  for (const [k, v] of Object.entries(p)) {
    const child = asSchema(v);
    if (child) out.push([k, child]);
  }
  return out;
}

export function propertySchema(s: Schema, key: string): Schema | undefined {
  const p = s.properties;
  return isPlainObject(p) ? asSchema(p[key]) : undefined;
}

export function itemsOf(s: Schema): Schema | undefined {
  return asSchema(s.items);
}

/** additionalProperties: a schema, `true` (anything), `false`, or absent. */
export function additionalOf(s: Schema): Schema | boolean | undefined {
  const a = s.additionalProperties;
  if (typeof a === 'boolean') return a;
  return asSchema(a);
}

export function schemaList(s: Schema, key: 'allOf' | 'anyOf' | 'oneOf'): Schema[] {
  const v = s[key];
  return Array.isArray(v) ? v.map(asSchema).filter((x): x is Schema => x !== undefined) : [];
}

export function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The schema of version `version`, or undefined when the CRD has none for it. */
export function versionSchema(crd: CustomResourceDefinition, version: string): Schema | undefined {
  const v = versionsOf(crd).find((x) => x.name === version);
  return asSchema(v?.schema?.openAPIV3Schema);
}

export function versionsOf(crd: CustomResourceDefinition): CRDVersion[] {
  const vs = crd.spec?.versions;
  return Array.isArray(vs) ? vs.filter((v): v is CRDVersion => isPlainObject(v)) : [];
}

/** `.spec.replicas` → ['spec', 'replicas'] (the simple JSON paths CRDs use for scale and columns). */
export function simplePathSegments(path: string): string[] {
  return path.split('.').filter((s) => s !== '');
}
