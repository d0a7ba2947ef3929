#!/usr/bin/env node
// Builds the OpenAPI definitions of k8ts' built-in types from the models of the installed
// @kubernetes/client-node (generated from kube's own spec, but with Kubernetes' definition names,
// Quantity/MicroTime/RawExtension and the patch tags erased). Writes, under dist/openapi/:
//   definitions.json  { "io.k8s.api.apps.v1.Deployment": { description, type, properties, required?,
//                       x-kubernetes-group-version-kind? }, ... }   (swagger 2.0 style, $ref "#/definitions/…")
//   resources.json    { "apis/apps/v1": [{ resource, namespaced, kind, verbs }], ... }  (for the paths
//                       kubectl explain looks a kind up by)
// Usage: node scripts/gen-openapi.mjs [--out-dir DIR]. Run by `npm run build` after tsc, so the patch
// tags come from dist/src/api/openapi/patch-tags.js (or from the .ts source when run under tsx).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gen = join(root, 'node_modules/@kubernetes/client-node/dist/gen');
const outFlag = process.argv.indexOf('--out-dir');
const outDir = outFlag > 0 ? process.argv[outFlag + 1] : join(root, 'dist/openapi');

/** The group-versions k8ts serves; only kinds in these (and what they reference) are emitted. */
const SERVED = [
  ['', 'v1'], ['apps', 'v1'], ['batch', 'v1'], ['autoscaling', 'v1'], ['autoscaling', 'v2'],
  ['coordination.k8s.io', 'v1'], ['events.k8s.io', 'v1'], ['discovery.k8s.io', 'v1'],
  ['networking.k8s.io', 'v1'], ['policy', 'v1'], ['rbac.authorization.k8s.io', 'v1'],
  ['storage.k8s.io', 'v1'], ['apiextensions.k8s.io', 'v1'], ['certificates.k8s.io', 'v1'],
];

/** Group → package prefix of Kubernetes' definition names. */
const PACKAGE = {
  '': 'io.k8s.api.core', apps: 'io.k8s.api.apps', batch: 'io.k8s.api.batch', autoscaling: 'io.k8s.api.autoscaling',
  'coordination.k8s.io': 'io.k8s.api.coordination', 'events.k8s.io': 'io.k8s.api.events',
  'discovery.k8s.io': 'io.k8s.api.discovery', 'networking.k8s.io': 'io.k8s.api.networking', policy: 'io.k8s.api.policy',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac', 'storage.k8s.io': 'io.k8s.api.storage',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'authentication.k8s.io': 'io.k8s.api.authentication', 'certificates.k8s.io': 'io.k8s.api.certificates',
  meta: 'io.k8s.apimachinery.pkg.apis.meta',
};

/** client-node disambiguates clashing class names with a group prefix (CoreV1Event, EventsV1Event). */
const CLASS_PREFIX_GROUP = {
  Core: '', Events: 'events.k8s.io', Discovery: 'discovery.k8s.io', Rbac: 'rbac.authorization.k8s.io',
  Storage: 'storage.k8s.io', Apiextensions: 'apiextensions.k8s.io', Authentication: 'authentication.k8s.io',
};

/** Types of k8s.io/apimachinery/pkg/apis/meta/v1 (client-node names them V1X like any group's). */
const META_TYPES = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta',
  'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'Status',
  'StatusCause', 'StatusDetails', 'WatchEvent',
]);

/** Core types that only other groups' kinds use (StorageClass.allowedTopologies), so reachability can't tell. */
const CORE_TYPES = new Set(['TopologySelectorTerm', 'TopologySelectorLabelRequirement']);

/** Kinds that are not a served resource of their own (subresource bodies, meta kinds) → their group/version. */
const EXTRA_KINDS = {
  V1Scale: ['autoscaling', 'v1'], V1Eviction: ['policy', 'v1'], V1Binding: ['', 'v1'],
  V1Status: ['', 'v1'], V1APIResourceList: ['', 'v1'], V1APIGroupList: ['', 'v1'], V1APIGroup: ['', 'v1'],
  V1APIVersions: ['', 'v1'], AuthenticationV1TokenRequest: ['authentication.k8s.io', 'v1'],
};
/** Meta kinds every group-version accepts or returns; kube lists one GVK per group-version. */
const EVERY_GROUP_KINDS = new Set(['V1DeleteOptions', 'V1WatchEvent']);

const Q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const INTSTR = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const RAW = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const EXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

/** Fields client-node erases to string / map of string that are resource.Quantity in Go. */
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits', 'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits', 'V1VolumeResourceRequirements.requests',
  'V1NodeStatus.capacity', 'V1NodeStatus.allocatable', 'V1PodSpec.overhead',
  'V1PersistentVolumeSpec.capacity', 'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources', 'V1ContainerStatus.allocatedResources',
  'V1ResourceQuotaSpec.hard', 'V1ResourceQuotaStatus.hard', 'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max', 'V1LimitRangeItem.min', 'V1LimitRangeItem._default', 'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.maxLimitRequestRatio', 'V1EmptyDirVolumeSource.sizeLimit', 'V1ResourceFieldSelector.divisor',
  'V1CSIStorageCapacity.capacity', 'V1CSIStorageCapacity.maximumVolumeSize',
  'V2MetricTarget.value', 'V2MetricTarget.averageValue', 'V2MetricValueStatus.value',
  'V2MetricValueStatus.averageValue',
]);
/** `any` fields and the free-form definition they are in Go. */
const ANY_FIELDS = {
  'V1ControllerRevision.data': RAW, 'V1WatchEvent.object': RAW,
  'V1ManagedFieldsEntry.fieldsV1': 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'V1JSONSchemaProps.additionalItems': `${EXT}JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.additionalProperties': `${EXT}JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.items': `${EXT}JSONSchemaPropsOrArray`,
  'V1JSONSchemaProps.dependencies': `${EXT}JSONSchemaPropsOrStringArray`,
  'V1JSONSchemaProps._default': `${EXT}JSON`, 'V1JSONSchemaProps.example': `${EXT}JSON`,
  'V1JSONSchemaProps._enum': `${EXT}JSON`,
  'V1CustomResourceSubresources.status': `${EXT}CustomResourceSubresourceStatus`,
};
/** Definitions client-node has no class for. Descriptions are ours. */
const HAND_WRITTEN = {
  [Q]: { type: 'string', description: 'Quantity is a fixed-point number with a suffix (e.g. 100m, 1Gi, 2.5) or a plain number.' },
  [INTSTR]: { type: 'string', format: 'int-or-string', description: 'IntOrString holds either an int32 or a string (e.g. 25% or a port name).' },
  [TIME]: { type: 'string', format: 'date-time', description: 'Time is an RFC 3339 timestamp with second precision.' },
  [MICRO]: { type: 'string', format: 'date-time', description: 'MicroTime is an RFC 3339 timestamp with microsecond precision.' },
  [RAW]: { type: 'object', description: 'RawExtension holds an embedded object of any kind, as JSON.' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object', description: 'FieldsV1 is the set of fields a manager owns, in the server-side apply field set format.' },
  [`${EXT}JSON`]: { description: 'JSON is any JSON value.' },
  [`${EXT}JSONSchemaPropsOrBool`]: { description: 'JSONSchemaPropsOrBool is a JSONSchemaProps or a boolean. Defaults to true.' },
  [`${EXT}JSONSchemaPropsOrArray`]: { description: 'JSONSchemaPropsOrArray is a JSONSchemaProps or an array of them.' },
  [`${EXT}JSONSchemaPropsOrStringArray`]: { description: 'JSONSchemaPropsOrStringArray is a JSONSchemaProps or an array of strings.' },
  [`${EXT}CustomResourceSubresourceStatus`]: { type: 'object', properties: {}, description: 'Enables the status subresource; it has no fields.' },
};

// ---- reading client-node ----

/** One class: its fields (json name, TS name, type, format), required fields and descriptions. */
function readModels() {
  const models = new Map();
  const dir = join(gen, 'models');
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.js') || file === 'all.js' || file === 'ObjectSerializer.js') continue;
    const name = file.slice(0, -3);
    const js = readFileSync(join(dir, file), 'utf8');
    const m = js.match(/\.attributeTypeMap = (\[[\s\S]*?\]);/);
    if (!m) continue;
    const dts = readFileSync(join(dir, `${name}.d.ts`), 'utf8');
    models.set(name, { name, attrs: JSON.parse(m[1]), ...readDts(dts) });
  }
  return models;
}

/** The class comment, and per TS property name its comment and whether it is optional (`?`). */
function readDts(dts) {
  const classDoc = dts.match(/\/\*\*\n((?:\*.*\n)*?)\*\/\nexport declare class/);
  const props = new Map();
  let comment = [], inComment = false, lastWasComment = false;
  for (const line of dts.split('\n')) {
    const t = line.trim();
    if (t === '/**') { inComment = true; comment = []; continue; }
    if (inComment) {
      if (t === '*/') { inComment = false; lastWasComment = true; } else comment.push(unquote(t.replace(/^\* ?/, '')));
      continue;
    }
    const p = line.match(/^ {4}'([^']+)'(\?)?:/);
    if (p) props.set(p[1], { optional: p[2] === '?', description: lastWasComment ? comment.join('\n').trim() : '' });
    lastWasComment = false;
  }
  const description = classDoc ? classDoc[1].split('\n').map((l) => unquote(l.replace(/^\* ?/, ''))).join('\n').trim() : '';
  return { description, props };
}

/** The generator wrote comments as JS string literals: `pod\'s`, `\"Deny\"`, `\\d`. */
function unquote(text) {
  return text.replace(/\\(.)/g, '$1');
}

/** Served resources from the generated API clients: path → kind class, from list and create operations. */
function readResources() {
  const resources = new Map(); // "gvPath/resource" → { gvPath, group, version, resource, namespaced, kindClass, verbs }
  const dir = join(gen, 'apis');
  for (const file of readdirSync(dir)) {
    if (!/V\d\w*Api\.js$/.test(file)) continue;
    const js = readFileSync(join(dir, file), 'utf8');
    const responseTypes = new Map();
    for (const m of js.matchAll(/async (\w+)WithHttpInfo\(response\) \{[\s\S]*?ObjectSerializer\.deserialize\([^;]*?, "(\w+)", ""\)/g)) {
      responseTypes.set(m[1], m[2]);
    }
    for (const m of js.matchAll(/async (\w+)\([^)]*\) \{[\s\S]*?localVarPath = '([^']+)'[\s\S]*?HttpMethod\.(\w+)/g)) {
      const [, fn, path, method] = m;
      const p = path.match(/^\/(api\/v1|apis\/([^/]+)\/([^/]+))\/(namespaces\/\{namespace\}\/)?([a-z0-9]+)(\/\{name\})?$/);
      if (!p || fn.startsWith('watch') || fn.startsWith('connect')) continue;
      const [, gvPath, group = '', version = 'v1', ns, resource, named] = p;
      if (!SERVED.some(([g, v]) => g === group && v === version)) continue;
      const key = `${gvPath}/${resource}`;
      const r = resources.get(key) ?? { gvPath, group, version, resource, namespaced: false, kindClass: '', verbs: new Set() };
      if (ns) r.namespaced = true;
      r.verbs.add(verbOf(method, Boolean(named)));
      const type = responseTypes.get(fn);
      if (type && !named && method === 'GET' && type.endsWith('List')) r.kindClass = type.slice(0, -4);
      if (type && named && method === 'GET' && !r.kindClass) r.kindClass = type;
      if (type && !named && method === 'POST' && !r.kindClass) r.kindClass = type; // bindings: create only
      resources.set(key, r);
    }
  }
  return [...resources.values()].filter((r) => r.kindClass || r.verbs.has('create'));
}

function verbOf(method, named) {
  switch (method) {
    case 'GET': return named ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

// ---- naming ----

const CLASS_RE = /^(Core|Events|Discovery|Rbac|Storage|Apiextensions|Authentication|Flowcontrol|Admissionregistration|Apiregistration|Resource)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

function splitClass(cls) {
  const m = cls.match(CLASS_RE);
  return m ? { prefix: m[1], version: m[2].toLowerCase(), name: m[3] } : undefined;
}

/** Class names referenced by a client-node type string (`Array<V1Container>`, `{ [key: string]: V1X; }`). */
function referencedClasses(type, models) {
  return (type.match(/\w+/g) ?? []).filter((w) => models.has(w));
}

// ---- main ----

const models = readModels();
const resources = readResources();
const kindGroup = new Map(); // kind class → [group, version]
for (const r of resources) {
  if (models.has(r.kindClass)) kindGroup.set(r.kindClass, [r.group, r.version]);
}
for (const [cls, gv] of Object.entries(EXTRA_KINDS)) kindGroup.set(cls, gv);

// Which groups' kinds reach each class: a class reached from several groups lives in core (PodSpec,
// ObjectReference); meta types are named explicitly.
const reachedFrom = new Map();
const roots = [...kindGroup.keys(), ...EVERY_GROUP_KINDS, ...[...kindGroup.keys()].map((k) => `${k}List`)];
for (const rootCls of roots) {
  if (!models.has(rootCls)) continue;
  const group = (kindGroup.get(rootCls) ?? kindGroup.get(rootCls.replace(/List$/, '')) ?? ['', 'v1'])[0];
  const stack = [rootCls];
  const seen = new Set();
  while (stack.length > 0) {
    const cls = stack.pop();
    if (seen.has(cls)) continue;
    seen.add(cls);
    if (!reachedFrom.has(cls)) reachedFrom.set(cls, new Set());
    reachedFrom.get(cls).add(group);
    for (const a of models.get(cls).attrs) stack.push(...referencedClasses(a.type, models));
  }
}

const defName = new Map(); // class → definition name
for (const [cls, groups] of reachedFrom) {
  const parts = splitClass(cls);
  if (!parts) throw new Error(`gen-openapi: cannot parse class name ${cls}`);
  let group;
  if (parts.prefix === undefined && META_TYPES.has(parts.name)) group = 'meta';
  else if (parts.prefix === undefined && CORE_TYPES.has(parts.name)) group = '';
  else if (parts.prefix !== undefined) group = CLASS_PREFIX_GROUP[parts.prefix];
  else if (kindGroup.has(cls)) group = kindGroup.get(cls)[0];
  else if (kindGroup.has(cls.replace(/List$/, ''))) group = kindGroup.get(cls.replace(/List$/, ''))[0];
  else if (groups.size === 1) group = [...groups][0];
  else if (groups.has('')) group = '';
  else throw new Error(`gen-openapi: ${cls} is used by ${[...groups].join(', ')}; add it to a table`);
  if (PACKAGE[group] === undefined) throw new Error(`gen-openapi: no package for group "${group}" (${cls})`);
  defName.set(cls, `${PACKAGE[group]}.${parts.version}.${parts.name}`);
}

const ref = (name) => ({ $ref: `#/definitions/${name}` });

/** Schema of one client-node type string; `field` is "Class.tsName" for the override tables. */
const overridesUsed = new Set();

function schemaOf(type, format, field) {
  const arr = type.match(/^Array<(.+)>$/);
  if (arr) return { type: 'array', items: schemaOf(arr[1], format, field) };
  const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
  if (map) return { type: 'object', additionalProperties: schemaOf(map[1], format, field) };
  if (QUANTITY_FIELDS.has(field) && type === 'string') { overridesUsed.add(field); return ref(Q); }
  switch (type) {
    case 'string': return format ? { type: 'string', format } : { type: 'string' };
    case 'boolean': return { type: 'boolean' };
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format ? { type: 'number', format } : { type: 'number' };
    case 'Date': return ref(TIME);
    case 'V1MicroTime': return ref(MICRO);
    case 'IntOrString': return ref(INTSTR);
    case 'any':
      if (!ANY_FIELDS[field]) return {};
      overridesUsed.add(field);
      return ref(ANY_FIELDS[field]);
    default:
      if (defName.has(type)) return ref(defName.get(type));
      throw new Error(`gen-openapi: unknown type ${type} at ${field}`);
  }
}

const { fieldTags, atomicStructs } = await loadPatchTags();

const definitions = { ...HAND_WRITTEN };
for (const [cls, name] of [...defName].sort((a, b) => a[1].localeCompare(b[1]))) {
  const model = models.get(cls);
  const properties = {};
  const required = [];
  for (const a of model.attrs) {
    const field = `${cls}.${a.name}`;
    const prop = schemaOf(a.type, a.format, field);
    const doc = model.props.get(a.name);
    const description = doc?.description || fallbackDescription(cls, a);
    if (description) prop.description = description;
    if (doc && !doc.optional) required.push(a.baseName);
    properties[a.baseName] = prop;
  }
  for (const [field, tags] of Object.entries(fieldTags[name] ?? {})) {
    const prop = properties[field];
    if (!prop) { console.warn(`gen-openapi: patch tags name ${name}.${field}, which client-node does not have`); continue; }
    if (tags.patchStrategy) prop['x-kubernetes-patch-strategy'] = tags.patchStrategy;
    if (tags.patchMergeKey) prop['x-kubernetes-patch-merge-key'] = tags.patchMergeKey;
    if (tags.listType) prop['x-kubernetes-list-type'] = tags.listType;
    if (tags.listMapKeys) prop['x-kubernetes-list-map-keys'] = [...tags.listMapKeys];
    if (tags.mapType) prop['x-kubernetes-map-type'] = tags.mapType;
  }
  const def = { description: model.description, type: 'object', properties };
  if (required.length > 0) def.required = required;
  const gvks = gvksOf(cls);
  if (gvks.length > 0) def['x-kubernetes-group-version-kind'] = gvks;
  if (atomicStructs.includes(name)) def['x-kubernetes-map-type'] = 'atomic';
  definitions[name] = def;
}
for (const field of [...QUANTITY_FIELDS, ...Object.keys(ANY_FIELDS)]) {
  if (!overridesUsed.has(field)) console.warn(`gen-openapi: type override for ${field} matched no field`);
}
for (const name of Object.keys(fieldTags)) {
  if (!definitions[name]) console.warn(`gen-openapi: patch tags name ${name}, which is not generated`);
}

/** client-node keeps no comment on fields whose type is a class; say what kube's conventions say.
 *  Otherwise leave it empty: `kubectl explain` shows the referenced type's own description anyway. */
function fallbackDescription(cls, attr) {
  const kind = splitClass(cls).name;
  if (attr.baseName === 'metadata' && attr.type === 'V1ObjectMeta') {
    return "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
  }
  if (attr.baseName === 'metadata' && attr.type === 'V1ListMeta') {
    return 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
  }
  if (attr.baseName === 'spec' && kindGroup.has(cls)) {
    return `Spec defines the desired behavior of the ${kind}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status`;
  }
  if (attr.baseName === 'status' && kindGroup.has(cls)) {
    return `Status is the most recently observed status of the ${kind}. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status`;
  }
  return '';
}

function gvksOf(cls) {
  const kind = splitClass(cls).name;
  if (EVERY_GROUP_KINDS.has(cls)) return SERVED.map(([group, version]) => ({ group, kind, version }));
  const gv = kindGroup.get(cls) ?? kindGroup.get(cls.replace(/List$/, ''));
  if (!gv || !models.get(cls).attrs.some((a) => a.baseName === 'kind')) return [];
  return [{ group: gv[0], kind, version: gv[1] }];
}

const byGroupVersion = {};
for (const r of resources.sort((a, b) => a.resource.localeCompare(b.resource))) {
  const definition = defName.get(r.kindClass);
  if (!definition) continue;
  (byGroupVersion[r.gvPath] ??= []).push({
    resource: r.resource, namespaced: r.namespaced, kind: splitClass(r.kindClass).name, definition,
    verbs: [...r.verbs].sort(),
  });
}

mkdirSync(outDir, { recursive: true });
// Written whole, then renamed: tests regenerate these while other test processes read them.
function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
writeAtomically(join(outDir, 'definitions.json'), JSON.stringify(definitions));
writeAtomically(join(outDir, 'resources.json'), JSON.stringify(byGroupVersion));
console.log(`gen-openapi: ${Object.keys(definitions).length} definitions, ${resources.length} resources → ${outDir}`);

/** The patch tag table: compiled by tsc, or the TypeScript source when a TS loader (tsx) is active. */
async function loadPatchTags() {
  const compiled = join(root, 'dist/src/api/openapi/patch-tags.js');
  const source = join(root, 'src/api/openapi/patch-tags.ts');
  try {
    return await import(pathToFileURL(source).href);
  } catch (err) {
    if (!existsSync(compiled)) throw new Error(`gen-openapi: run tsc first (${compiled} is missing): ${err}`);
    return import(pathToFileURL(compiled).href);
  }
}
