// OpenAPI v3 definitions for a CRD's served versions, so `kubectl explain crontab.spec` and
// client-side validation see custom kinds like built-in ones. Upstream:
// apiextensions-apiserver pkg/controller/openapi/builder/builder.go (buildKubeNative,
// addEmbeddedProperties, buildListSchema) and util.ToRESTFriendlyName for definition names.
import { isPlainObject } from '../../machinery/object.js';
import { clone } from '../../machinery/deep-equal.js';
import type { OpenAPIResource } from '../openapi/types.js';
import { ALL_VERBS } from '../types.js';
import type { CustomResourceDefinition, Schema } from './types.js';
import { present } from './types.js';
import { asSchema, flag, itemsOf, propertiesOf, additionalOf, versionsOf } from './types.js';

const SCHEMAS = '#/components/schemas/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

// TypeMeta and metadata descriptions as the generated Kubernetes OpenAPI words them.
const API_VERSION_DOC = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** Definitions per OpenAPI v3 group-version path: { "apis/g/v1": { "com.example.g.v1.Kind": schema } }. */
export type CRDOpenAPI = Record<string, Record<string, Schema>>;

/** `stable.example.com` + `v1` + `CronTab` → `com.example.stable.v1.CronTab` (ToRESTFriendlyName). */
export function definitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

function ref(name: string, description: string): Schema {
  // A $ref with siblings is wrapped in allOf in v3, as the built-in definitions are.
  return { allOf: [{ $ref: `${SCHEMAS}${name}` }], description };
}

function typeMeta(s: Schema, apiVersionDoc = API_VERSION_DOC, kindDoc = KIND_DOC): void {
  const props = isPlainObject(s.properties) ? s.properties : {};
  props.apiVersion = { type: 'string', description: apiVersionDoc };
  props.kind = { type: 'string', description: kindDoc };
  s.properties = props;
}

/** Embedded resources get TypeMeta and ObjectMeta and require kind and apiVersion (addEmbeddedProperties). */
function addEmbeddedProperties(s: Schema): void {
  for (const [, p] of propertiesOf(s)) addEmbeddedProperties(p);
  const items = itemsOf(s);
  if (items) addEmbeddedProperties(items);
  const additional = additionalOf(s);
  if (typeof additional === 'object') addEmbeddedProperties(additional);
  if (!flag(s, 'x-kubernetes-embedded-resource')) return;
  typeMeta(s,
    'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds');
  (s.properties as Record<string, unknown>).metadata = ref(OBJECT_META, METADATA_DOC);
  const required = Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : [];
  for (const k of ['kind', 'apiVersion']) if (!required.includes(k)) required.push(k);
  s.required = required;
}

function gvk(group: string, version: string, kind: string): Array<Record<string, string>> {
  return [{ group, kind, version }];
}

/** The Kind and KindList definitions of every served version with a schema. */
export function openapiSchemasForCRD(crd: CustomResourceDefinition): CRDOpenAPI {
  const spec = crd.spec ?? {};
  const names = present(spec.names) ? spec.names : {};
  const group = spec.group ?? '';
  const kind = names.kind ?? '';
  const listKind = names.listKind ?? `${kind}List`;
  const out: CRDOpenAPI = {};
  for (const v of versionsOf(crd)) {
    if (v.served !== true || typeof v.name !== 'string') continue;
    const version = v.name;
    const source = asSchema(v.schema?.openAPIV3Schema);
    let schema: Schema;
    if (source) {
      schema = clone(source);
      const props = isPlainObject(schema.properties) ? schema.properties : {};
      props.metadata = ref(OBJECT_META, METADATA_DOC);
      schema.properties = props;
      typeMeta(schema);
      addEmbeddedProperties(schema);
    } else {
      // Without a schema publish a bare object, or kubectl would reject every field.
      schema = { type: 'object' };
    }
    schema['x-kubernetes-group-version-kind'] = gvk(group, version, kind);
    const list: Schema = {
      description: `${listKind} is a list of ${kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        items: {
          type: 'array',
          description: `List of ${names.plural ?? ''}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          items: { $ref: `${SCHEMAS}${definitionName(group, version, kind)}` },
        },
        metadata: ref(LIST_META, LIST_METADATA_DOC),
      },
      'x-kubernetes-group-version-kind': gvk(group, version, listKind),
    };
    typeMeta(list);
    out[`apis/${group}/${version}`] = {
      [definitionName(group, version, kind)]: schema,
      [definitionName(group, version, listKind)]: list,
    };
  }
  return out;
}

/**
 * The resources each published group-version serves, for the OpenAPI paths `kubectl explain`
 * finds a kind through (registerExtraSchemas' `resources`), keyed like openapiSchemasForCRD.
 */
export function openapiResourcesForCRD(crd: CustomResourceDefinition): Record<string, OpenAPIResource[]> {
  const spec = crd.spec ?? {};
  const names = present(spec.names) ? spec.names : {};
  const group = spec.group ?? '';
  const kind = names.kind ?? '';
  const out: Record<string, OpenAPIResource[]> = {};
  for (const v of versionsOf(crd)) {
    if (v.served !== true || typeof v.name !== 'string') continue;
    out[`apis/${group}/${v.name}`] = [{
      resource: names.plural ?? '',
      namespaced: spec.scope !== 'Cluster',
      kind,
      definition: definitionName(group, v.name, kind),
      verbs: [...ALL_VERBS],
    }];
  }
  return out;
}
