// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go): `a=b`, `a==b`, `a!=b`, joined by
// commas (AND). In values, `\,` `\=` and `\\` escape the special characters; field names are taken
// verbatim up to the first operator (no trimming, as kube).
import { badRequest } from './errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** "=" covers both `=` and `==`, as kube's hasTerm does. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  /** AND of these, in the order kube keeps them (terms sorted as strings before parsing). */
  readonly requirements: readonly FieldRequirement[];
}

const EVERYTHING: FieldSelector = Object.freeze({ requirements: Object.freeze([]) });

/** fields.Everything(). */
export function everythingFields(): FieldSelector {
  return EVERYTHING;
}

/** Split on commas not preceded by a backslash escape. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** The first operator occurrence splits the term; the left side is never unescaped. */
function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.EscapeValue: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; throws badRequest on a bad escape or an unescaped `,` / `=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * fields.ParseSelector: the `?fieldSelector=` / `kubectl --field-selector` syntax. Empty selects
 * everything. Throws badRequest with kube's message, e.g. `invalid selector: 'x'; can't understand 'x'`.
 */
export function parseFieldSelector(s: string): FieldSelector {
  const terms = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const value = unescapeFieldValue(parts.rhs);
    reqs.push(Object.freeze({ field: parts.lhs, operator: parts.op === '!=' ? '!=' : '=', value }));
  }
  return reqs.length === 0 ? EVERYTHING : Object.freeze({ requirements: Object.freeze(reqs) });
}

/** Build a selector from exact values (fields.SelectorFromSet / OneTermEqualSelector). */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>>): FieldSelector {
  const reqs = Object.keys(set).sort().map((f) => Object.freeze({ field: f, operator: '=' as const, value: set[f] as string }));
  return reqs.length === 0 ? EVERYTHING : Object.freeze({ requirements: Object.freeze(reqs) });
}

/** Selector.Requirements. */
export function requirements(sel: FieldSelector): readonly FieldRequirement[] {
  return sel.requirements;
}

/** Selector.Empty. */
export function isEverythingFields(sel: FieldSelector): boolean {
  return sel.requirements.length === 0;
}

/**
 * Whether an object's fields satisfy the selector. `get` returns a field's value as a string;
 * undefined counts as "" (kube's Fields.Get on a missing field).
 */
export function matchesFields(sel: FieldSelector, get: (field: string) => string | undefined): boolean {
  for (const r of sel.requirements) {
    const have = get(r.field) ?? '';
    if ((have === r.value) !== (r.operator === '=')) return false;
  }
  return true;
}

/**
 * Selector.RequiresExactMatch: the value the selector pins `field` to (`spec.nodeName=node1`), for
 * index lookups; undefined when it does not.
 */
export function requiresExactFieldMatch(sel: FieldSelector, field: string): string | undefined {
  for (const r of sel.requirements) if (r.field === field && r.operator === '=') return r.value;
  return undefined;
}

/** Selector.String: `a=b,c!=d` with values escaped. */
export function fieldSelectorToString(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/**
 * Refuse a selector naming a field the resource cannot be selected by: badRequest
 * `field label not supported: NAME`, the wording of the field-label conversions kube registers
 * for pods, nodes, events, secrets, namespaces and custom resources. (Kinds with no registered
 * conversion say `"NAME" is not a known field selector: only "metadata.name", "metadata.namespace"`
 * in kube; this one message is kept for all.) `_kind` is accepted for the caller's convenience and
 * does not appear in the message, as in kube.
 */
export function checkSupported(sel: FieldSelector, supported: ReadonlySet<string>, _kind?: string): void {
  for (const r of sel.requirements) {
    if (!supported.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
