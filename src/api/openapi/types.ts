// Shapes of the OpenAPI data k8ts serves and checks objects against.
import type { GroupVersionKind } from '../types.js';

/** One schema as kube-openapi writes it (swagger 2.0 definitions; OpenAPI 3.0 components use the same
 *  keywords plus allOf/oneOf). `$ref` is `#/definitions/<name>` or `#/components/schemas/<name>`. */
export interface OpenAPISchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  required?: string[];
  $ref?: string;
  allOf?: OpenAPISchema[];
  anyOf?: OpenAPISchema[];
  oneOf?: OpenAPISchema[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** Definition name (io.k8s.api.apps.v1.Deployment) → schema. */
export type Definitions = Readonly<Record<string, OpenAPISchema>>;

/** A served resource, as the OpenAPI paths list it (kubectl explain finds a kind's GVK through them). */
export interface OpenAPIResource {
  resource: string;           // plural: deployments
  namespaced: boolean;
  kind: string;
  definition: string;         // io.k8s.api.apps.v1.Deployment
  verbs: string[];            // create, delete, deletecollection, get, list, patch, update
}

/** Group-version path as /openapi/v3 names it: `api/v1`, `apis/apps/v1`. */
export type GroupVersionPath = string;

/** A document serialised once: the same bytes are served until something changes. */
export interface SerializedDocument {
  readonly body: Buffer;
  /** Upper-case hex SHA-512 of body, as kube-openapi puts in `?hash=`. */
  readonly hash: string;
  /** Strong ETag (quoted hash). */
  readonly etag: string;
}

/** A path in an object being checked, with kube's spelling: `spec.template.spec.containers[0].image`. */
export interface FieldTypeError { path: string; message: string }

export type { PatchSchema } from '../../machinery/patch/types.js';
