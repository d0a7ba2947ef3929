// Validation of a custom resource against its version's openAPIV3Schema, with the messages and
// field paths kube-apiserver prints. Upstream: kube-openapi pkg/validation/validate (type,
// string, format, number, slice, common, object and schema-props validators, messages from
// pkg/validation/errors/schema.go) turned into field errors by apiextensions-apiserver
// pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors; list types from
// pkg/apiserver/schema/listtype; embedded resources from pkg/apiserver/schema/objectmeta.
//
// Paths: a property is `parent.name` (no leading dot at the root), an item `parent[i]`. The
// message repeats the path, as kube's does: `spec.replicas in body must be of type integer`.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import { isPlainObject } from '../../machinery/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import type { Schema } from './types.js';
import {
  additionalOf, flag, itemsOf, numberOf, propertiesOf, schemaList, schemaType, stringList, asSchema,
} from './types.js';
import { matchesFormat } from './formats.js';
import { validateListTypes } from './list-type.js';

/** The top-level fields the registry validates itself (TypeMeta and ObjectMeta). */
const ROOT_META = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Field errors of `obj` against `schema`. `obj` is the whole custom resource: its apiVersion,
 * kind and metadata are left to the registry. `basePath` prefixes every reported field (kube
 * validates custom resources with no prefix). List-type (set/map) uniqueness is checked too.
 */
export function validateAgainstSchema(obj: unknown, schema: Schema, basePath = ''): FieldError[] {
  const v = new Validator(basePath);
  v.value(obj, schema, '', true);
  return [...v.errs, ...validateListTypes(obj, schema, basePath)];
}

/** JSON type of a decoded value as kube-openapi names it; integral numbers are "integer". */
function jsonType(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  if (typeof x === 'object') return 'object';
  return typeof x; // string, boolean
}

/**
 * A bound as Go's %v prints the float64 kube-openapi holds: shortest digits, exponent form when
 * the exponent is below -4 or at least 6, with a two-digit signed exponent (1e+06, 2.5e-05).
 */
function showNumber(n: number): string {
  if (n === 0 || !Number.isFinite(n)) return String(n);
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 6) return String(n);
  const abs = Math.abs(e);
  return `${mantissa}e${e < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : String(abs)}`;
}

class Validator {
  readonly errs: FieldError[] = [];

  constructor(private readonly basePath: string) {}

  /** The field an error is reported at; kube prints `<nil>` for errors of the root itself. */
  private at(path: string): string {
    if (!this.basePath) return path || '<nil>';
    return path ? `${this.basePath}.${path}` : this.basePath;
  }

  /** Errors of value `x` at `path`, in the order kube-openapi's SchemaValidator runs its validators. */
  value(x: unknown, s: Schema, path: string, root = false): void {
    if (x === null || x === undefined) {
      this.type(x, s, path);
      this.enumeration(x, s, path);
      return;
    }
    this.type(x, s, path);
    this.junctions(x, s, path);
    if (typeof x === 'string') {
      this.string(x, s, path);
      this.format(x, s, path);
    }
    if (typeof x === 'number') this.number(x, s, path);
    if (Array.isArray(x)) this.array(x, s, path);
    this.enumeration(x, s, path);
    if (isPlainObject(x)) this.object(x, s, path, root);
  }

  private child(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
  }

  private type(x: unknown, s: Schema, path: string): void {
    const types = flag(s, 'x-kubernetes-int-or-string') ? ['integer', 'string'] : (schemaType(s) ? [schemaType(s)] : []);
    if (types.length === 0) return;
    const actual = jsonType(x);
    if (actual === 'null') {
      if (flag(s, 'nullable')) return;
      this.errs.push(field.typeInvalid(this.at(path), 'null', `${path} in body must be of type ${types.join(',')}: "null"`));
      return;
    }
    // An integral number satisfies "integer", an integer satisfies "number" (type.go isFloatInt/isIntFloat).
    if (types.includes(actual) || (actual === 'integer' && types.includes('number'))) return;
    this.errs.push(field.typeInvalid(this.at(path), actual, `${path} in body must be of type ${types.join(',')}: "${actual}"`));
  }

  /** allOf / anyOf / oneOf / not (schema_props.go). Their own failures are composite errors. */
  private junctions(x: unknown, s: Schema, path: string): void {
    const anyOf = schemaList(s, 'anyOf');
    if (anyOf.length > 0) {
      const results = anyOf.map((b) => this.branch(x, b, path));
      if (!results.some((r) => r.length === 0)) {
        this.errs.push(this.composite(`"${path}" must validate at least one schema (anyOf)`));
        this.errs.push(...fewest(results));
      }
    }
    const oneOf = schemaList(s, 'oneOf');
    if (oneOf.length > 0) {
      const results = oneOf.map((b) => this.branch(x, b, path));
      const valid = results.filter((r) => r.length === 0).length;
      if (valid !== 1) {
        const detail = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
        this.errs.push(this.composite(`"${path}" must validate one and only one schema (oneOf). ${detail}`));
        if (valid === 0) this.errs.push(...fewest(results));
      }
    }
    const allOf = schemaList(s, 'allOf');
    if (allOf.length > 0) {
      const results = allOf.map((b) => this.branch(x, b, path));
      const valid = results.filter((r) => r.length === 0).length;
      for (const r of results) this.errs.push(...r);
      if (valid !== allOf.length) {
        this.errs.push(this.composite(`"${path}" must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`));
      }
    }
    const not = asSchema(s.not);
    if (not && this.branch(x, not, path).length === 0) {
      this.errs.push(this.composite(`"${path}" must not validate the schema (not)`));
    }
  }

  private branch(x: unknown, s: Schema, path: string): FieldError[] {
    const sub = new Validator(this.basePath);
    sub.value(x, s, path);
    return sub.errs;
  }

  /** Errors that are not field validations carry no path in kube: `<nil>: Invalid value: ""`. */
  private composite(message: string): FieldError {
    return field.invalid(this.basePath || '<nil>', '', message);
  }

  private string(x: string, s: Schema, path: string): void {
    // string_validator.go stops at the first failure: maxLength, minLength, pattern.
    const length = [...x].length;
    const maxLength = numberOf(s, 'maxLength');
    if (maxLength !== undefined && length > maxLength) {
      this.errs.push(field.tooLong(this.at(path), maxLength));
      return;
    }
    const minLength = numberOf(s, 'minLength');
    if (minLength !== undefined && length < minLength) {
      this.errs.push(field.invalid(this.at(path), x, `${path} in body should be at least ${minLength} chars long`));
      return;
    }
    const pattern = typeof s.pattern === 'string' ? compile(s.pattern) : undefined;
    if (pattern && !pattern.test(x)) {
      this.errs.push(field.invalid(this.at(path), x, `${path} in body should match '${String(s.pattern)}'`));
    }
  }

  private format(x: string, s: Schema, path: string): void {
    const format = typeof s.format === 'string' ? s.format : '';
    if (format && !matchesFormat(format, x)) {
      this.errs.push(field.typeInvalid(this.at(path), x, `${path} in body must be of type ${format}: "${x}"`));
    }
  }

  private number(x: number, s: Schema, path: string): void {
    const multipleOf = numberOf(s, 'multipleOf');
    if (multipleOf !== undefined && multipleOf > 0 && !isMultiple(x, multipleOf)) {
      this.errs.push(field.invalid(this.at(path), x, `${path} in body should be a multiple of ${showNumber(multipleOf)}`));
    }
    const max = numberOf(s, 'maximum');
    if (max !== undefined) {
      const exclusive = flag(s, 'exclusiveMaximum');
      if (exclusive ? x >= max : x > max) {
        const rel = exclusive ? 'less than' : 'less than or equal to';
        this.errs.push(field.invalid(this.at(path), x, `${path} in body should be ${rel} ${showNumber(max)}`));
      }
    }
    const min = numberOf(s, 'minimum');
    if (min !== undefined) {
      const exclusive = flag(s, 'exclusiveMinimum');
      if (exclusive ? x <= min : x < min) {
        const rel = exclusive ? 'greater than' : 'greater than or equal to';
        this.errs.push(field.invalid(this.at(path), x, `${path} in body should be ${rel} ${showNumber(min)}`));
      }
    }
  }

  private array(x: unknown[], s: Schema, path: string): void {
    const items = itemsOf(s);
    if (items) x.forEach((item, i) => this.value(item, items, `${path}[${i}]`));
    const minItems = numberOf(s, 'minItems');
    if (minItems !== undefined && x.length < minItems) {
      this.errs.push(field.invalid(this.at(path), x.length, `${path} in body should have at least ${minItems} items`));
    }
    const maxItems = numberOf(s, 'maxItems');
    if (maxItems !== undefined && x.length > maxItems) this.errs.push(field.tooMany(this.at(path), x.length, maxItems));
    if (flag(s, 'uniqueItems') && x.some((a, i) => x.slice(i + 1).some((b) => deepEqual(a, b)))) {
      this.errs.push(field.invalid(this.at(path), '', `${path} in body shouldn't contain duplicates`));
    }
  }

  private enumeration(x: unknown, s: Schema, path: string): void {
    if (!Array.isArray(s.enum) || s.enum.length === 0) return;
    const allowed: unknown[] = s.enum;
    if (allowed.some((e) => deepEqual(e, x ?? null))) return;
    const names = allowed.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    this.errs.push(field.notSupported(this.at(path), x ?? null, names));
  }

  private object(x: Record<string, unknown>, s: Schema, path: string, root: boolean): void {
    const keys = Object.keys(x).filter((k) => !(root && ROOT_META.has(k)));
    // object_validator.go returns at once on a property-count failure.
    const minProps = numberOf(s, 'minProperties');
    if (minProps !== undefined && keys.length < minProps) {
      this.errs.push(field.invalid(this.at(path), keys.length, `${path} in body should have at least ${minProps} properties`));
      return;
    }
    const maxProps = numberOf(s, 'maxProperties');
    if (maxProps !== undefined && keys.length > maxProps) {
      this.errs.push(field.tooMany(this.at(path), keys.length, maxProps));
      return;
    }
    const props = new Map(propertiesOf(s));
    const additional = additionalOf(s);
    for (const k of keys) {
      if (props.has(k)) continue;
      if (additional === false) {
        this.errs.push(field.invalid(this.at(path), k, `${this.child(path, k)} in body is a forbidden property`));
      } else if (typeof additional === 'object') {
        this.value(x[k], additional, this.child(path, k));
      }
    }
    for (const [k, ps] of props) {
      if (root && ROOT_META.has(k)) continue;
      if (k in x) this.value(x[k], ps, this.child(path, k));
    }
    for (const k of stringList(s.required)) {
      if (!(k in x) && !(root && ROOT_META.has(k))) this.errs.push(field.required(this.at(this.child(path, k))));
    }
    if (!root && flag(s, 'x-kubernetes-embedded-resource')) this.embedded(x, path);
  }

  /** An embedded object must say what it is (objectmeta validateEmbeddedResource). */
  private embedded(x: Record<string, unknown>, path: string): void {
    for (const k of ['kind', 'apiVersion']) {
      const v = x[k];
      if (v === undefined || v === '') this.errs.push(field.required(this.at(this.child(path, k)), 'must not be empty'));
      else if (typeof v !== 'string') this.errs.push(field.invalid(this.at(this.child(path, k)), v, 'must be a string'));
    }
  }
}

/** The failures of the branch that came closest, as kube-openapi keeps its "best failures". */
function fewest(results: FieldError[][]): FieldError[] {
  let best: FieldError[] | undefined;
  for (const r of results) if (!best || r.length < best.length) best = r;
  return best ?? [];
}

function isMultiple(x: number, factor: number): boolean {
  const q = x / factor;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

const patterns = new Map<string, RegExp | undefined>();

/** Patterns are compiled once; one that does not compile is ignored (CRD validation rejects it). */
export function compile(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try { re = new RegExp(pattern); } catch { re = undefined; }
    }
    patterns.set(pattern, re);
  }
  return patterns.get(pattern);
}
