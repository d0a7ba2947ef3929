// Checks on a CRD version's openAPIV3Schema itself: the OpenAPI subset CRDs may use
// (apiextensions validation.go ValidateCustomResourceDefinitionOpenAPISchema and
// specStandardValidatorV3) and the structural-schema rules v1 requires
// (pkg/apiserver/schema/validation.go ValidateStructural). Not checked: the completeness rule
// (fields named in allOf/anyOf/oneOf must also be declared outside them), defaults validated
// against their own schema, and CEL x-kubernetes-validations.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import { isPlainObject } from '../../machinery/object.js';
import type { Schema } from './types.js';
import {
  additionalOf, asSchema, flag, itemsOf, propertiesOf, propertySchema, schemaList, schemaType, stringList,
} from './types.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META = new Set(['apiVersion', 'kind', 'metadata']);

/** Fields a root schema may use when the status subresource is on (allowedFieldsAtRootSchema). */
const ROOT_FIELDS_WITH_STATUS = new Map([
  ['description', 'Description'], ['type', 'Type'], ['format', 'Format'], ['title', 'Title'],
  ['maximum', 'Maximum'], ['exclusiveMaximum', 'ExclusiveMaximum'], ['minimum', 'Minimum'],
  ['exclusiveMinimum', 'ExclusiveMinimum'], ['maxLength', 'MaxLength'], ['minLength', 'MinLength'],
  ['pattern', 'Pattern'], ['maxItems', 'MaxItems'], ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'],
  ['multipleOf', 'MultipleOf'], ['required', 'Required'], ['items', 'Items'], ['properties', 'Properties'],
  ['externalDocs', 'ExternalDocs'], ['example', 'Example'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'], ['x-kubernetes-validations', 'XValidations'],
]);

/** Errors of a version's schema at `path` (`spec.versions[0].schema.openAPIV3Schema`). */
export function validateCRDSchema(schema: Schema, path: string, opts: { statusEnabled: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  if (opts.statusEnabled) {
    if (schemaType(schema) && schemaType(schema) !== 'object') {
      errs.push(field.invalid(`${path}.type`, schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
    }
    if (Object.keys(schema).some((k) => !ROOT_FIELDS_WITH_STATUS.has(k))) {
      const allowed = [...ROOT_FIELDS_WITH_STATUS.values()].join(' ');
      errs.push(field.invalid(path, '', `only [${allowed}] fields are allowed at the root of the schema if the status subresource is enabled`));
    }
  }
  if (flag(schema, 'nullable')) errs.push(field.forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  const structural: FieldError[] = [];
  structuralInvariants(schema, 'root', path, structural);
  structural.sort((a, b) => (`${a.field}: ${a.message}` < `${b.field}: ${b.message}` ? -1 : 1));
  errs.push(...structural);
  openAPISubset(schema, path, { root: true, insideMeta: false }, errs);
  return errs;
}

// ---- the OpenAPI subset ----

interface SubsetContext { root: boolean; insideMeta: boolean; noDefaultsReason?: string }

function openAPISubset(s: Schema, path: string, ctx: SubsetContext, errs: FieldError[]): void {
  const type = s.type;
  if (type !== undefined && type !== '' && (typeof type !== 'string' || !OPENAPI_TYPES.includes(type))) {
    errs.push(field.notSupported(`${path}.type`, type, OPENAPI_TYPES));
  }
  if (type === 'null') errs.push(field.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (s.default !== undefined && ctx.noDefaultsReason) {
    errs.push(field.forbidden(`${path}.default`, `must not be set ${ctx.noDefaultsReason}`));
  }
  const unsupported: Array<[string, string]> = [
    ['id', 'id is not supported'], ['additionalItems', 'additionalItems is not supported'],
    ['patternProperties', 'patternProperties is not supported'], ['definitions', 'definitions is not supported'],
    ['dependencies', 'dependencies is not supported'], ['$ref', '$ref is not supported'],
  ];
  for (const [k, msg] of unsupported) if (s[k] !== undefined && s[k] !== '') errs.push(field.forbidden(`${path}.${k}`, msg));
  if (Array.isArray(s.items)) errs.push(field.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (ctx.insideMeta && flag(s, 'x-kubernetes-embedded-resource')) {
    errs.push(field.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  }
  if (flag(s, 'uniqueItems')) {
    errs.push(field.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  const additional = additionalOf(s);
  const props = propertiesOf(s);
  if (additional !== undefined && props.length > 0 && additional !== true) {
    errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  const child: SubsetContext = { root: false, insideMeta: ctx.insideMeta, ...(ctx.noDefaultsReason ? { noDefaultsReason: ctx.noDefaultsReason } : {}) };
  if (typeof additional === 'object') {
    const sub = ctx.insideMeta ? { ...child, noDefaultsReason: 'inside additionalProperties applying to object metadata' } : child;
    openAPISubset(additional, `${path}.additionalProperties`, sub, errs);
  }
  for (const [k, ps] of props) {
    let sub = child;
    if ((ctx.root || flag(s, 'x-kubernetes-embedded-resource')) && META.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (ctx.root) sub = { ...sub, noDefaultsReason: `in top-level ${k}` };
    }
    openAPISubset(ps, `${path}.properties[${k}]`, sub, errs);
  }
  const not = asSchema(s.not);
  if (not) openAPISubset(not, `${path}.not`, child, errs);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    schemaList(s, key).forEach((b, i) => openAPISubset(b, `${path}.${key}[${i}]`, child, errs));
  }
  const items = itemsOf(s);
  if (items) openAPISubset(items, `${path}.items`, child, errs);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  mapAndListTypes(s, path, errs);
}

function mapAndListTypes(s: Schema, path: string, errs: FieldError[]): void {
  const type = schemaType(s);
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    if (type !== 'object') errs.push(type ? field.invalid(`${path}.type`, type, 'must be object if x-kubernetes-map-type is specified') : field.required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    if (mapType !== 'atomic' && mapType !== 'granular') errs.push(field.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  }
  const listType = s['x-kubernetes-list-type'];
  const items = itemsOf(s);
  if (listType !== undefined) {
    if (type !== 'array') errs.push(type ? field.invalid(`${path}.type`, type, 'must be array if x-kubernetes-list-type is specified') : field.required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else if (listType === 'set' && items) {
      const it = schemaType(items);
      if (it === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
        errs.push(field.invalid(`${path}.items.x-kubernetes-list-type`, items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
      }
      if (it === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
        errs.push(field.invalid(`${path}.items.x-kubernetes-map-type`, items['x-kubernetes-map-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
      }
    }
    if (listType !== 'atomic' && listType !== 'set' && listType !== 'map') errs.push(field.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  const keys = stringList(s['x-kubernetes-list-map-keys']);
  if (keys.length > 0 && listType !== 'map') {
    errs.push(listType === undefined
      ? field.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty')
      : field.invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (keys.length === 0) errs.push(field.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (!items) errs.push(field.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (schemaType(items) !== 'object') {
      errs.push(field.invalid(`${path}.items.type`, schemaType(items), "must be object if parent array's x-kubernetes-list-type is map"));
    } else {
      const required = new Set(stringList(items.required));
      keys.forEach((k, i) => {
        const ks = propertySchema(items, k);
        if (!ks) {
          errs.push(field.invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'entries must all be names of item properties'));
        } else {
          if (schemaType(ks) === 'array' || schemaType(ks) === 'object') {
            errs.push(field.invalid(`${path}.items.properties[${k}].type`, schemaType(items), "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
          if (!required.has(k) && ks.default === undefined) {
            errs.push(field.required(`${path}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
          }
          if (flag(ks, 'nullable')) errs.push(field.forbidden(`${path}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
        }
        if (keys.indexOf(k) !== i) errs.push(field.invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'must not contain duplicate entries'));
      });
    }
  }
  if ((listType === 'set' || listType === 'map') && items && flag(items, 'nullable')) {
    errs.push(field.forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${String(listType)}`));
  }
}

// ---- structural invariants ----

type Level = 'root' | 'item' | 'field';

const EMPTY_TYPE: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

function structuralInvariants(s: Schema, lvl: Level, path: string, errs: FieldError[]): void {
  const type = schemaType(s);
  const items = itemsOf(s);
  if (type === 'array' && !items) errs.push(field.required(`${path}.items`, 'must be specified'));
  if (items) structuralInvariants(items, 'item', `${path}.items`, errs);
  for (const [k, ps] of propertiesOf(s)) structuralInvariants(ps, 'field', `${path}.properties[${k}]`, errs);
  const additional = additionalOf(s);
  if (additional !== undefined && lvl === 'root') errs.push(field.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
  if (typeof additional === 'object') structuralInvariants(additional, 'field', `${path}.additionalProperties`, errs);

  const intOrString = flag(s, 'x-kubernetes-int-or-string');
  const preserve = flag(s, 'x-kubernetes-preserve-unknown-fields');
  const embedded = flag(s, 'x-kubernetes-embedded-resource');
  if (intOrString && preserve) errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(field.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  valueValidations(s, path, intOrString, errs);

  if (embedded && type !== 'object') {
    errs.push(type ? field.invalid(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true') : field.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!type && !intOrString && !preserve) {
    errs.push(field.required(`${path}.type`, EMPTY_TYPE[lvl]));
  }
  if (embedded && additional !== undefined) errs.push(field.forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && type && type !== 'object') errs.push(field.invalid(`${path}.type`, type, 'must be object at the root'));

  const checkMeta = lvl === 'root' || embedded;
  for (const [k, want] of [['kind', 'string'], ['apiVersion', 'string'], ['metadata', 'object']] as const) {
    const ps = propertySchema(s, k);
    if (checkMeta && ps && schemaType(ps) !== want) errs.push(field.invalid(`${path}.properties[${k}].type`, schemaType(ps), `must be ${want}`));
  }
  const metadata = propertySchema(s, 'metadata');
  if (lvl === 'root' && metadata && !onlyNameRestrictions(metadata)) {
    errs.push(field.forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (embedded && !preserve && propertiesOf(s).length === 0) {
    errs.push(field.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  if (typeof s.pattern === 'string') {
    try { new RegExp(s.pattern, 'u'); } catch (e) {
      errs.push(field.invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}

/** A root metadata schema may only restrict name and generateName (and say it is an object). */
function onlyNameRestrictions(metadata: Schema): boolean {
  const names = propertiesOf(metadata).map(([k]) => k);
  if (names.some((k) => k !== 'name' && k !== 'generateName')) return false;
  return Object.keys(metadata).every((k) => k === 'type' || k === 'properties');
}

/** The anyOf [integer, string] pattern x-kubernetes-int-or-string may spell out. */
function isIntOrStringPair(list: Schema[]): boolean {
  return list.length === 2 && schemaType(list[0] ?? {}) === 'integer' && schemaType(list[1] ?? {}) === 'string'
    && list.every((b) => Object.keys(b).length === 1);
}

function valueValidations(s: Schema, path: string, intOrString: boolean, errs: FieldError[]): void {
  const anyOf = schemaList(s, 'anyOf');
  const allOf = schemaList(s, 'allOf');
  const skipAnyOf = intOrString && isIntOrStringPair(anyOf);
  const skipFirstAllOfAnyOf = intOrString && isIntOrStringPair(schemaList(allOf[0] ?? {}, 'anyOf'));
  if (!skipAnyOf) anyOf.forEach((b, i) => nested(b, `${path}.anyOf[${i}]`, false, errs));
  allOf.forEach((b, i) => nested(b, `${path}.allOf[${i}]`, skipFirstAllOfAnyOf && i === 0, errs));
  schemaList(s, 'oneOf').forEach((b, i) => nested(b, `${path}.oneOf[${i}]`, false, errs));
  const not = asSchema(s.not);
  if (not) nested(not, `${path}.not`, false, errs);
}

/** Inside allOf/anyOf/oneOf/not only value validations are allowed (validateNestedValueValidation). */
function nested(s: Schema, path: string, skipAnyOf: boolean, errs: FieldError[]): void {
  if (!skipAnyOf) schemaList(s, 'anyOf').forEach((b, i) => nested(b, `${path}.anyOf[${i}]`, false, errs));
  schemaList(s, 'allOf').forEach((b, i) => nested(b, `${path}.allOf[${i}]`, false, errs));
  schemaList(s, 'oneOf').forEach((b, i) => nested(b, `${path}.oneOf[${i}]`, false, errs));
  const not = asSchema(s.not);
  if (not) nested(not, `${path}.not`, false, errs);
  const items = itemsOf(s);
  if (items) nested(items, `${path}.items`, false, errs);
  for (const [k, ps] of propertiesOf(s)) nested(ps, `${path}.properties[${k}]`, false, errs);
  const forbidden: Array<[string, boolean, string]> = [
    ['type', schemaType(s) !== '', 'must be empty to be structural'],
    ['additionalProperties', s.additionalProperties !== undefined, 'must be undefined to be structural'],
    ['default', s.default !== undefined, 'must be undefined to be structural'],
    ['title', typeof s.title === 'string' && s.title !== '', 'must be empty to be structural'],
    ['description', typeof s.description === 'string' && s.description !== '', 'must be empty to be structural'],
    ['nullable', flag(s, 'nullable'), 'must be false to be structural'],
    ['x-kubernetes-preserve-unknown-fields', flag(s, 'x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'],
    ['x-kubernetes-embedded-resource', flag(s, 'x-kubernetes-embedded-resource'), 'must be false to be structural'],
    ['x-kubernetes-int-or-string', flag(s, 'x-kubernetes-int-or-string'), 'must be false to be structural'],
    ['x-kubernetes-list-map-keys', stringList(s['x-kubernetes-list-map-keys']).length > 0, 'must be empty to be structural'],
    ['x-kubernetes-list-type', s['x-kubernetes-list-type'] !== undefined, 'must be undefined to be structural'],
  ];
  for (const [k, present, msg] of forbidden) if (present) errs.push(field.forbidden(`${path}.${k}`, msg));
  if (isPlainObject(s.properties) && 'metadata' in s.properties) {
    errs.push(field.forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
  }
}
