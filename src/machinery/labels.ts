// Label selectors (k8s.io/apimachinery/pkg/labels) and metav1.LabelSelector
// (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector, and
// .../meta/v1/validation ValidateLabels / ValidateLabelSelector).
//
// A LabelSelector is immutable: its requirements are sorted by key (as kube's Parse and
// Selector.Add sort them), which also makes selectorString() canonical.
import type { FieldError } from './errors.js';
import { badRequest, field } from './errors.js';
import { isPlainObject } from './object.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import type { Operator, Requirement } from './label-requirement.js';
import { newRequirement, requirementMatches, requirementString } from './label-requirement.js';
import { parseRequirements } from './label-selector-parse.js';

export type { Operator, Requirement } from './label-requirement.js';
export { newRequirement, requirementMatches } from './label-requirement.js';

export interface LabelSelector {
  /** AND of these, sorted by key. Empty with `nothing` false selects everything. */
  readonly requirements: readonly Requirement[];
  /** labels.Nothing(): what a null metav1.LabelSelector converts to; matches no object. */
  readonly nothing: boolean;
}

/** metav1.LabelSelectorRequirement. */
export interface MetaLabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[] | null;
}

/** metav1.LabelSelector, as it appears in Deployment.spec.selector and friends. */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: MetaLabelSelectorRequirement[] | null;
}

/** What the conversion functions accept: the typed shape or a plain decoded JSON object. */
export type LabelSelectorInput = MetaLabelSelector | Readonly<Record<string, unknown>> | null | undefined;

const EVERYTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]), nothing: false });
const NOTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]), nothing: true });

export function everything(): LabelSelector { return EVERYTHING; }
export function nothing(): LabelSelector { return NOTHING; }

function selectorOf(reqs: Requirement[]): LabelSelector {
  if (reqs.length === 0) return EVERYTHING;
  const sorted = reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return Object.freeze({ requirements: Object.freeze(sorted), nothing: false });
}

/**
 * labels.Parse: the `?labelSelector=` / `kubectl -l` syntax. Empty (or blank) selects everything.
 * Throws badRequest with kube's message, e.g. `unable to parse requirement: found '', expected: '('`.
 */
export function parseLabelSelector(s: string): LabelSelector {
  const r = parseRequirements(s);
  if (typeof r === 'string') throw badRequest(r);
  return selectorOf(r);
}

/** labels.SelectorFromSet: equality on every pair, no validation; an empty set selects everything. */
export function selectorFromSet(set: Readonly<Record<string, string>> | null | undefined): LabelSelector {
  if (!set) return EVERYTHING;
  return selectorOf(Object.entries(set).map(([key, v]) => Object.freeze({ key, operator: '=' as const, values: Object.freeze([v]) })));
}

const META_OPERATORS: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` everything. matchLabels become
 * `key=value`; matchExpressions map In/NotIn/Exists/DoesNotExist. Throws badRequest on an invalid
 * key, value or operator (`"Foo" is not a valid label selector operator`).
 */
export function selectorFromLabelSelector(ls: LabelSelectorInput): LabelSelector {
  if (ls === null || ls === undefined) return NOTHING;
  if (!isPlainObject(ls)) throw badRequest('a label selector must be an object');
  const { matchLabels, matchExpressions } = ls as Record<string, unknown>;
  if (matchLabels !== undefined && matchLabels !== null && !isPlainObject(matchLabels)) throw badRequest('matchLabels must be a map of string to string');
  if (matchExpressions !== undefined && matchExpressions !== null && !Array.isArray(matchExpressions)) throw badRequest('matchExpressions must be a list');
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels ?? {})) {
    const r = newRequirement(k, '=', [typeof v === 'string' ? v : String(v)]);
    if (typeof r === 'string') throw badRequest(r);
    reqs.push(r);
  }
  for (const expr of (matchExpressions ?? []) as unknown[]) {
    if (!isPlainObject(expr)) throw badRequest('a matchExpressions entry must be an object');
    const opName = typeof expr.operator === 'string' ? expr.operator : String(expr.operator ?? '');
    const op = META_OPERATORS[opName];
    if (op === undefined) throw badRequest(`${JSON.stringify(opName)} is not a valid label selector operator`);
    const values = Array.isArray(expr.values) ? expr.values.map((x) => String(x)) : [];
    const r = newRequirement(typeof expr.key === 'string' ? expr.key : '', op, values);
    if (typeof r === 'string') throw badRequest(r);
    reqs.push(r);
  }
  return selectorOf(reqs);
}

/** Selector.String: requirements joined by ","; "" for everything and for nothing. */
export function selectorString(sel: LabelSelector): string {
  return sel.requirements.map(requirementString).join(',');
}

/**
 * The canonical string of a metav1.LabelSelector, as Scale.status.selector carries it
 * (LabelSelectorAsSelector(...).String()): `app=web,tier in (a,b)`. "" for null and for `{}`.
 */
export function labelSelectorToString(ls: LabelSelectorInput): string {
  return selectorString(selectorFromLabelSelector(ls));
}

/** Whether a label set satisfies every requirement; `nothing` matches no set. */
export function matches(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel.nothing) return false;
  for (const r of sel.requirements) if (!requirementMatches(r, labels)) return false;
  return true;
}

/** Selector.Empty: no requirement restricts the selection (false for `nothing`). */
export function isEverything(sel: LabelSelector): boolean {
  return !sel.nothing && sel.requirements.length === 0;
}

/** labels.MatchesNothing. */
export function matchesNothing(sel: LabelSelector): boolean {
  return sel.nothing;
}

/**
 * Selector.RequiresExactMatch: the single value `key` must have (from `key=v`, `key==v` or
 * `key in (v)`), for index lookups; undefined when the selector does not pin it.
 */
export function requiresExactMatch(sel: LabelSelector, key: string): string | undefined {
  const r = sel.requirements.find((x) => x.key === key);
  if (!r || r.values.length !== 1) return undefined;
  return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
}

// ---- validation (metav1validation) ----

/** ValidateLabelName: a qualified name. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

/** ValidateLabels: every key a qualified name, every value a valid label value; errors name the map's path. */
export function validateLabels(labels: Readonly<Record<string, unknown>> | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    if (typeof v !== 'string') {
      errs.push(field.invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(field.invalid(path, v, m));
  }
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Skip the label-value syntax check of matchExpressions values (kube's AllowInvalidLabelValueInSelector). */
  readonly allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateLabelSelector for a decoded metav1.LabelSelector; null/undefined is valid. */
export function validateLabelSelector(ls: unknown, path: string, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  if (ls === null || ls === undefined) return [];
  if (!isPlainObject(ls)) return [field.invalid(path, ls, 'must be a label selector object')];
  const errs: FieldError[] = [];
  const ml = ls.matchLabels;
  if (ml !== undefined && ml !== null && !isPlainObject(ml)) errs.push(field.invalid(`${path}.matchLabels`, ml, 'must be a map of string to string'));
  else errs.push(...validateLabels(ml, `${path}.matchLabels`));
  const me = ls.matchExpressions;
  if (me === undefined || me === null) return errs;
  if (!Array.isArray(me)) return [...errs, field.invalid(`${path}.matchExpressions`, me, 'must be a list')];
  me.forEach((expr: unknown, i) => errs.push(...validateRequirement(expr, `${path}.matchExpressions[${i}]`, opts)));
  return errs;
}

function validateRequirement(expr: unknown, path: string, opts: LabelSelectorValidationOptions): FieldError[] {
  if (!isPlainObject(expr)) return [field.invalid(path, expr, 'must be a label selector requirement object')];
  const errs: FieldError[] = [];
  const values = Array.isArray(expr.values) ? expr.values : [];
  switch (expr.operator) {
    case 'In': case 'NotIn':
      if (values.length === 0) errs.push(field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(field.invalid(`${path}.operator`, expr.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(typeof expr.key === 'string' ? expr.key : '', `${path}.key`));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v: unknown, i) => {
      const p = `${path}.values[${i}]`;
      if (typeof v !== 'string') errs.push(field.invalid(p, v, 'must be a string'));
      else for (const m of isValidLabelValue(v)) errs.push(field.invalid(p, v, m));
    });
  }
  return errs;
}
