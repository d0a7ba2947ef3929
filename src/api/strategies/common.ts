// Shared pieces of the built-in kinds' strategies: loose JSON access, ObjectMeta validation
// (k8s.io/apimachinery/pkg/api/validation/objectmeta.go), status/generation handling
// (pkg/registry/*/strategy.go PrepareForCreate/PrepareForUpdate) and the small numeric checks
// every validation.go repeats. Only this file and quantities.ts import the machinery name and
// label helpers, so a change of their signatures is absorbed here.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';
import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue } from '../../machinery/names.js';
import { validateLabels, validateLabelSelector, selectorFromLabelSelector, matches } from '../../machinery/labels.js';

export { deepEqual };
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue };

export type Obj = Record<string, unknown>;

// ---- loose JSON access (objects arrive as decoded JSON; nothing is trusted) ----

export function rec(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The object at o[key], created (or replaced when not an object) so defaulting can write into it. */
export function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Array items that are objects, with their index (non-objects are reported by the caller if it cares). */
export function items(v: unknown): Array<[Obj, number]> {
  const out: Array<[Obj, number]> = [];
  arr(v).forEach((x, i) => { if (isPlainObject(x)) out.push([x, i]); });
  return out;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = rec(v);
  if (o) for (const [k, x] of Object.entries(o)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Sets o[key] when it is absent (undefined or null), as a Go defaulter does for a nil pointer. */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

// ---- numeric checks (apimachinery/pkg/api/validation: ValidateNonnegativeField ...) ----

export function nonNegative(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Number.isInteger(v)) return [field.invalid(path, v, 'must be an integer')];
  return (v as number) < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

export function positive(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Number.isInteger(v)) return [field.invalid(path, v, 'must be an integer')];
  return (v as number) <= 0 ? [field.invalid(path, v, 'must be greater than zero')] : [];
}

export function inRange(v: unknown, path: string, lo: number, hi: number): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) {
    return [field.invalid(path, v, `must be between ${lo} and ${hi}, inclusive`)];
  }
  return [];
}

export function oneOf(v: unknown, path: string, allowed: readonly string[], required = true): FieldError[] {
  if (v === undefined || v === null || v === '') return required ? [field.required(path, '')] : [];
  return typeof v === 'string' && allowed.includes(v) ? [] : [field.notSupported(path, v, allowed)];
}

/** intstr.IntOrString that is a count or a percentage (maxSurge, maxUnavailable, minAvailable). */
export function intOrPercentErrors(v: unknown, path: string, maxHundredPercent = false): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return nonNegative(v, path);
  if (typeof v !== 'string' || !/^[0-9]+%$/.test(v)) {
    return [field.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  return maxHundredPercent && Number.parseInt(v, 10) > 100 ? [field.invalid(path, v, 'must not be greater than 100%')] : [];
}

/** Whether an IntOrString count/percentage is zero (0, "0%"); unset is not zero. */
export function intOrPercentIsZero(v: unknown): boolean {
  return v === 0 || (typeof v === 'string' && /^0+%$/.test(v));
}

/** ValidateImmutableField: `field is immutable`. */
export function immutable(now: unknown, before: unknown, path: string): FieldError[] {
  return deepEqual(now, before) ? [] : [field.invalid(path, now ?? null, 'field is immutable')];
}

/** Runs a name-format check and turns its messages into one Invalid error. */
export function checkFormat(v: unknown, path: string, check: (s: string) => string[]): FieldError[] {
  if (typeof v !== 'string') return [field.invalid(path, v ?? null, 'must be a string')];
  const msgs = check(v);
  return msgs.length ? [field.invalid(path, v, msgs.join('; '))] : [];
}

/** IsValidPortName: an IANA_SVC_NAME (pod and service port names). */
export function portNameErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen');
  return out;
}

/** A port given as a number (1-65535) or a port name (intstr.IntOrString in probes and targetPort). */
export function portOrNameErrors(v: unknown, path: string): FieldError[] {
  if (typeof v === 'number') return inRange(v, path, 1, 65535);
  if (typeof v === 'string' && v !== '') return checkFormat(v, path, portNameErrors);
  return [field.required(path, '')];
}

// ---- labels and selectors ----

export function labelsErrors(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isPlainObject(v)) return [field.invalid(path, v, 'must be a map of string to string')];
  return validateLabels(v, path);
}

export function selectorErrors(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isPlainObject(v)) return [field.invalid(path, v, 'must be a label selector object')];
  return validateLabelSelector(v, path);
}

/** metav1.LabelSelector with neither matchLabels nor matchExpressions: kube calls it empty. */
export function selectorIsEmpty(sel: Obj): boolean {
  return Object.keys(rec(sel.matchLabels) ?? {}).length === 0 && arr(sel.matchExpressions).length === 0;
}

/** Whether a metav1.LabelSelector matches a label set; false when the selector cannot be parsed. */
export function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  try {
    return matches(selectorFromLabelSelector(sel), labels);
  } catch {
    return false;
  }
}

// ---- ObjectMeta ----

/** A name validator as kube's ValidateNameFunc: `prefix` is true for generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

function maskTrailingDash(s: string): string {
  return s.length > 1 && s.endsWith('-') ? `${s.slice(0, -2)}a` : s;
}

const nameFn = (check: (s: string) => string[]): NameValidator =>
  (name, prefix) => check(prefix ? maskTrailingDash(name) : name);

export const nameIsDNSSubdomain: NameValidator = nameFn(isDNS1123Subdomain);
export const nameIsDNSLabel: NameValidator = nameFn(isDNS1123Label);
export const nameIsDNS1035Label: NameValidator = nameFn(isDNS1035Label);

/** RBAC and a few others only forbid what cannot be a URL path segment (path.ValidatePathSegmentName). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  const out: string[] = [];
  if (name.includes('/')) out.push("may not contain '/'");
  if (name.includes('%')) out.push("may not contain '%'");
  return out;
};

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function annotationsErrors(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isPlainObject(v)) return [field.invalid(path, v, 'must be a map of string to string')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, val] of Object.entries(v)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    if (typeof val !== 'string') errs.push(field.invalid(`${path}.${k}`, val, 'must be a string'));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof val === 'string' ? val : '');
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(field.tooLong(path, TOTAL_ANNOTATION_SIZE));
  return errs;
}

function ownerReferencesErrors(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  const errs: FieldError[] = [];
  let controllers = 0;
  for (const [ref, i] of items(v)) {
    const p = `${path}[${i}]`;
    for (const k of ['apiVersion', 'kind', 'name', 'uid']) {
      if (!str(ref[k])) errs.push(field.invalid(`${p}.${k}`, ref[k] ?? '', `${k} must not be empty`));
    }
    if (ref.controller === true) controllers++;
  }
  if (controllers > 1) errs.push(field.invalid(path, v, 'Only one reference can have Controller set to true'));
  return errs;
}

/**
 * The name format of a kind on create (the nameFn kube's ValidateObjectMeta takes): metadata.name,
 * and metadata.generateName as a prefix. Runs in each strategy's validateCreate.
 */
export function validateNameFormat(obj: KubeObject, nameValidator: NameValidator, path = 'metadata'): FieldError[] {
  const meta = rec(obj.metadata) ?? {};
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName) {
    for (const m of nameValidator(generateName, true)) errs.push(field.invalid(`${path}.generateName`, generateName, m));
  }
  const name = meta.name;
  if (typeof name === 'string' && name !== '') {
    for (const m of nameValidator(name, false)) errs.push(field.invalid(`${path}.name`, name, m));
  }
  return errs;
}

/**
 * ValidateObjectMeta, the part common to every kind (the registry runs it for all resources; the
 * kind's name format is checked by its strategy, or here when `nameValidator` is given).
 * The registry fills name from generateName before this runs.
 */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameValidator?: NameValidator, path = 'metadata'): FieldError[] {
  const meta = rec(obj.metadata) ?? {};
  const errs: FieldError[] = [];
  const name = meta.name;
  if (name === undefined || name === null || name === '') {
    if (!str(meta.generateName)) errs.push(field.required(`${path}.name`, 'name or generateName is required'));
  } else if (typeof name !== 'string') {
    errs.push(field.invalid(`${path}.name`, name, 'must be a string'));
  }
  if (nameValidator) errs.push(...validateNameFormat(obj, nameValidator, path));
  const ns = meta.namespace;
  if (namespaced) {
    if (ns === undefined || ns === null || ns === '') errs.push(field.required(`${path}.namespace`, ''));
    else errs.push(...checkFormat(ns, `${path}.namespace`, isDNS1123Label));
  } else if (ns !== undefined && ns !== null && ns !== '') {
    errs.push(field.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...nonNegative(meta.generation, `${path}.generation`));
  errs.push(...labelsErrors(meta.labels, `${path}.labels`));
  errs.push(...annotationsErrors(meta.annotations, `${path}.annotations`));
  errs.push(...ownerReferencesErrors(meta.ownerReferences, `${path}.ownerReferences`));
  arr(meta.finalizers).forEach((f, i) => errs.push(...checkFormat(f, `${path}.finalizers[${i}]`, isQualifiedName)));
  return errs;
}

/** ValidateObjectMetaUpdate: the new metadata is valid and its identity fields did not change. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject, namespaced: boolean, path = 'metadata'): FieldError[] {
  const meta = rec(obj.metadata) ?? {};
  const before = rec(old.metadata) ?? {};
  const errs = validateObjectMeta(obj, namespaced, undefined, path);
  for (const k of ['name', 'namespace', 'uid', 'creationTimestamp']) {
    // An unset value in the request means "keep": the registry carries uid/creationTimestamp over.
    if (meta[k] !== undefined && meta[k] !== '' && before[k] !== undefined) errs.push(...immutable(meta[k], before[k], `${path}.${k}`));
  }
  const gen = num(meta.generation);
  const oldGen = num(before.generation);
  if (gen !== undefined && oldGen !== undefined && gen < oldGen) {
    errs.push(field.invalid(`${path}.generation`, gen, 'must not be decremented'));
  }
  return errs;
}

// ---- status and generation (registry strategies' PrepareForCreate / PrepareForUpdate) ----

/** Creates may not set status; kinds with a spec start at generation 1. */
export function resetStatus(obj: KubeObject, status: Obj | undefined = {}, generation = true): void {
  if (status === undefined) delete obj.status;
  else obj.status = status;
  if (generation) child(obj, 'metadata').generation = 1;
}

/** Updates through the main resource keep the stored status. */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

/**
 * metadata.generation moves by one when a desired-state field changed, and only then
 * (kube bumps on spec changes; Deployment also on annotations, others on their own fields).
 */
export function bumpGeneration(obj: KubeObject, old: KubeObject, fields: readonly string[] = ['spec']): void {
  const meta = child(obj, 'metadata');
  const oldGen = num(rec(old.metadata)?.generation) ?? 0;
  const changed = fields.some((f) => f === 'metadata.annotations'
    ? !deepEqual(rec(obj.metadata)?.annotations ?? {}, rec(old.metadata)?.annotations ?? {})
    : !deepEqual(obj[f], old[f]));
  meta.generation = changed ? oldGen + 1 : oldGen;
}

// ---- assembling a strategy ----

/** A kind's pieces; its scope (metadata.namespace) is checked by the registry from its ResourceDef. */
export interface StrategySpec {
  /** Name format of the kind; DNS-1123 subdomain unless said otherwise. */
  nameValidator?: NameValidator;
  default?(obj: KubeObject): void;
  /** Kind-specific checks on the whole object, run on create and on update. */
  validate?(obj: KubeObject): FieldError[];
  /** Extra checks against the stored object (immutable fields...). */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  prepareForCreate?(obj: KubeObject): void;
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
}

/**
 * A KindStrategy from the kind's pieces. ObjectMeta's common checks are the registry's
 * (validateObjectMeta / validateObjectMetaUpdate); the strategy adds the kind's name format on create.
 */
export function defineStrategy(spec: StrategySpec): KindStrategy {
  const nameValidator = spec.nameValidator ?? nameIsDNSSubdomain;
  const strategy: KindStrategy = {
    validateCreate: (obj) => [...validateNameFormat(obj, nameValidator), ...(spec.validate?.(obj) ?? [])],
    validateUpdate: (obj, old) => [...(spec.validate?.(obj) ?? []), ...(spec.validateUpdate?.(obj, old) ?? [])],
  };
  if (spec.default) strategy.default = spec.default;
  if (spec.prepareForCreate) strategy.prepareForCreate = spec.prepareForCreate;
  if (spec.prepareForUpdate) strategy.prepareForUpdate = spec.prepareForUpdate;
  return strategy;
}
