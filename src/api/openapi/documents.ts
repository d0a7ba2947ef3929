// The OpenAPI documents kube-apiserver serves: /openapi/v2 (swagger 2.0, every definition) and
// /openapi/v3 (a root listing one document per group-version, each an OpenAPI 3.0 document holding
// the paths and the schemas reachable from that group-version's kinds). kubectl explain (v1.27+)
// fetches /openapi/v3, picks api/v1 or apis/<group>/<version>, finds the GVK on an operation of the
// resource's path, then the component schema whose x-kubernetes-group-version-kind lists it:
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl
// Documents are built on first request and kept serialised until registered schemas change.
import { createHash } from 'node:crypto';
import { loadDefinitions, loadResources } from './load.js';
import { extraEntries, onExtraSchemasChange, refName, schemaNamed } from './schemas.js';
import { INT_OR_STRING, QUANTITY } from './shape.js';
import { encodeOpenApiV2 } from './proto-v2.js';
import type { GroupVersionPath, OpenAPIResource, OpenAPISchema, SerializedDocument } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Schemas every group-version document carries (operations return Status, accept DeleteOptions, watch). */
const COMMON = [`${META}Status`, `${META}DeleteOptions`, `${META}WatchEvent`, `${META}APIResourceList`];
/** Subresource bodies served under a group-version whose kinds live elsewhere. */
const SUBRESOURCE_KINDS: Readonly<Record<GroupVersionPath, readonly string[]>> = {
  'api/v1': ['io.k8s.api.core.v1.Binding', 'io.k8s.api.policy.v1.Eviction', 'io.k8s.api.autoscaling.v1.Scale',
    'io.k8s.api.authentication.v1.TokenRequest'],
  'apis/apps/v1': ['io.k8s.api.autoscaling.v1.Scale'],
};

type JsonDoc = Record<string, unknown>;
interface Cached { doc: JsonDoc; bytes: SerializedDocument; proto?: Buffer }

const v3Cache = new Map<GroupVersionPath, Cached>();
let v2Cache: Cached | undefined;
let pathsCache: { paths: Record<string, { serverRelativeURL: string }> } | undefined;
onExtraSchemasChange((gvPath) => {
  v3Cache.delete(gvPath);
  v2Cache = undefined;
  pathsCache = undefined;
});

function serialise(doc: JsonDoc): SerializedDocument {
  const body = Buffer.from(JSON.stringify(doc));
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return { body, hash, etag: `"${hash}"` };
}

/** Group-version paths with a document: built-in ones and those with registered schemas. */
export function groupVersionPaths(): GroupVersionPath[] {
  return [...new Set([...Object.keys(loadResources()), ...extraEntries().keys()])].sort();
}

/** Body of GET /openapi/v3: each group-version's document URL, with `?hash=` so clients may cache it forever. */
export function openapiV3Paths(): { paths: Record<string, { serverRelativeURL: string }> } {
  if (!pathsCache) {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gvPath of groupVersionPaths()) {
      const doc = openapiV3DocumentBytes(gvPath);
      if (doc) paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${doc.hash}` };
    }
    pathsCache = { paths };
  }
  return pathsCache;
}

/** The OpenAPI 3.0 document of one group-version (`apis/apps/v1`), or undefined if none is served. Do not mutate. */
export function openapiV3Document(gvPath: GroupVersionPath): JsonDoc | undefined {
  return v3Cached(gvPath)?.doc;
}

/** The same document serialised once, with its hash and ETag. */
export function openapiV3DocumentBytes(gvPath: GroupVersionPath): SerializedDocument | undefined {
  return v3Cached(gvPath)?.bytes;
}

function v3Cached(gvPath: GroupVersionPath): Cached | undefined {
  const hit = v3Cache.get(gvPath);
  if (hit) return hit;
  const resources = resourcesOf(gvPath);
  const extra = extraEntries().get(gvPath);
  if (resources.length === 0 && !extra) return undefined;
  const roots = [...COMMON, ...(SUBRESOURCE_KINDS[gvPath] ?? []), ...Object.keys(extra?.schemas ?? {})];
  for (const r of resources) roots.push(r.definition, `${r.definition}List`);
  const schemas: Record<string, OpenAPISchema> = {};
  for (const name of reachable(roots)) schemas[name] = v3Definition(name);
  const doc: JsonDoc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: pathsOf(gvPath, resources, 'v3'),
    components: { schemas },
  };
  const cached = { doc, bytes: serialise(doc) };
  v3Cache.set(gvPath, cached);
  return cached;
}

/** The swagger 2.0 document (GET /openapi/v2): every definition and every path. Do not mutate. */
export function openapiV2Document(): JsonDoc {
  return v2Cached().doc;
}

export function openapiV2DocumentBytes(): SerializedDocument {
  return v2Cached().bytes;
}

/** /openapi/v2 in its protobuf form (see proto-v2.ts), built on first request. */
export function openapiV2DocumentProto(): Buffer {
  const c = v2Cached();
  return (c.proto ??= encodeOpenApiV2(c.doc));
}

function v2Cached(): Cached {
  if (v2Cache) return v2Cache;
  const definitions: Record<string, OpenAPISchema> = { ...loadDefinitions() };
  for (const entry of extraEntries().values()) {
    for (const [name, schema] of Object.entries(entry.schemas)) definitions[name] = rewriteRefs(schema, '#/definitions/');
  }
  const paths: JsonDoc = {};
  for (const gvPath of groupVersionPaths()) Object.assign(paths, pathsOf(gvPath, resourcesOf(gvPath), 'v2'));
  const doc: JsonDoc = { swagger: '2.0', info: { title: 'Kubernetes', version: 'unversioned' }, paths, definitions };
  v2Cache = { doc, bytes: serialise(doc) };
  return v2Cache;
}

function resourcesOf(gvPath: GroupVersionPath): OpenAPIResource[] {
  return [...(loadResources()[gvPath] ?? []), ...(extraEntries().get(gvPath)?.resources ?? [])];
}

/** Names of the definitions reachable through $refs from roots (those that exist). */
function reachable(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop();
    if (name === undefined || seen.has(name)) continue;
    const found = schemaNamed(name);
    if (!found) continue;
    seen.add(name);
    collectRefs(found.schema, stack);
  }
  return [...seen].sort();
}

function collectRefs(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(refName(v));
      else collectRefs(v, out);
    }
  }
}

/** One definition as kube's v3 documents spell it. */
function v3Definition(name: string): OpenAPISchema {
  const schema = schemaNamed(name)?.schema ?? {};
  const description = schema.description ?? '';
  // kube-openapi gives these two v3 oneOf types instead of v2's `type: string`; kubectl explain then
  // prints <Quantity> and <IntOrString> for fields that refer to them.
  if (name === QUANTITY) return { description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  if (name === INT_OR_STRING) return { description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
  return toV3(schema);
}

/** $refs to #/components/schemas/, and a $ref with siblings (description, patch tags) as allOf, since
 *  OpenAPI 3.0 ignores siblings of $ref; that is how kube-openapi writes fields of struct type. */
function toV3(schema: OpenAPISchema): OpenAPISchema {
  const out: OpenAPISchema = {};
  for (const [key, value] of Object.entries(schema) as [keyof OpenAPISchema & string, unknown][]) {
    if (key === '$ref' && typeof value === 'string') out.$ref = `#/components/schemas/${refName(value)}`;
    else if (key === 'properties' && isSchemaMap(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrapRef(toV3(v))]));
    } else if ((key === 'items' || key === 'additionalProperties') && isSchema(value)) out[key] = wrapRef(toV3(value));
    else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = (value as OpenAPISchema[]).map(toV3);
    } else (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function wrapRef(schema: OpenAPISchema): OpenAPISchema {
  const { $ref, ...rest } = schema;
  if ($ref === undefined || Object.keys(rest).length === 0) return schema;
  return { ...rest, allOf: [{ $ref }] };
}

function rewriteRefs(schema: OpenAPISchema, prefix: string): OpenAPISchema {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' ? `${prefix}${refName(value)}` : value) as OpenAPISchema;
}

const isSchema = (v: unknown): v is OpenAPISchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSchemaMap = (v: unknown): v is Record<string, OpenAPISchema> => isSchema(v);

const ACTIONS: Readonly<Record<string, { method: string; item: boolean; action: string; list?: boolean }>> = {
  list: { method: 'get', item: false, action: 'list', list: true },
  create: { method: 'post', item: false, action: 'post' },
  deletecollection: { method: 'delete', item: false, action: 'deletecollection' },
  get: { method: 'get', item: true, action: 'get' },
  update: { method: 'put', item: true, action: 'put' },
  patch: { method: 'patch', item: true, action: 'patch' },
  delete: { method: 'delete', item: true, action: 'delete' },
};

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'] as const;

/** Paths of a group-version's resources, each operation tagged with its kind's GVK as kube does. */
function pathsOf(gvPath: GroupVersionPath, resources: readonly OpenAPIResource[], flavour: 'v2' | 'v3'): JsonDoc {
  const [group, version] = gvPath.startsWith('apis/') ? gvPath.slice(5).split('/') : ['', gvPath.slice(4)];
  const refPrefix = flavour === 'v3' ? '#/components/schemas/' : '#/definitions/';
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of resources) {
    const base = `/${gvPath}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const gvk = { group: group ?? '', kind: r.kind, version: version ?? '' };
    for (const verb of r.verbs) {
      const op = ACTIONS[verb];
      if (!op) continue;
      const responseName = op.list && schemaNamed(`${r.definition}List`) ? `${r.definition}List` : r.definition;
      const schema = { $ref: `${refPrefix}${responseName}` };
      const response = flavour === 'v3'
        ? { description: 'OK', content: { 'application/json': { schema } } }
        : { description: 'OK', schema };
      const operation: Record<string, unknown> = {
        operationId: `${verb}${r.namespaced ? 'Namespaced' : ''}${r.kind}`,
        'x-kubernetes-action': op.action,
        'x-kubernetes-group-version-kind': gvk,
        responses: { '200': response },
      };
      // Writes declare their query parameters: kubectl checks for fieldValidation here before it
      // relies on server-side field validation (cli-runtime query_param_verifier_v3.go).
      if (verb === 'create' || verb === 'update' || verb === 'patch') {
        operation.parameters = WRITE_PARAMS.map((name) => (flavour === 'v3'
          ? { name, in: 'query', schema: { type: 'string', uniqueItems: true } }
          : { name, in: 'query', type: 'string', uniqueItems: true }));
      }
      const path = op.item ? `${base}/{name}` : base;
      (paths[path] ??= {})[op.method] = operation;
      // Namespaced kinds are also listed across namespaces (kubectl explain tries that path first).
      if (op.list && r.namespaced) (paths[`/${gvPath}/${r.resource}`] ??= {})['get'] = operation;
    }
  }
  return paths;
}
