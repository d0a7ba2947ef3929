// One label selector requirement (key, operator, values): construction with kube's checks,
// matching and its string form (k8s.io/apimachinery/pkg/labels/selector.go NewRequirement,
// Requirement.Matches, Requirement.String). Internal to machinery: labels.ts re-exports it.
import { isQualifiedName, isValidLabelValue } from './names.js';

/** selection.Operator values, spelled as Go spells them. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** Read-only: values keep the order they were given in (the string parser sorts them). */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** Go's %q of a string, near enough for messages. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %#v of a []string, as field.Invalid prints a value list. */
function goStrings(vals: readonly string[]): string {
  return vals.length === 0 ? '[]string(nil)' : `[]string{${vals.map(quote).join(', ')}}`;
}

/** The text of a field.Invalid error: `path: Invalid value: "v": detail`. */
export function invalidText(path: string, value: string | readonly string[], detail: string): string {
  return `${path}: Invalid value: ${typeof value === 'string' ? quote(value) : goStrings(value)}: ${detail}`;
}

const INT64_RE = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined when it would fail. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/**
 * A requirement, or the error message kube's NewRequirement gives (field errors aggregated as
 * `[a, b]` when there are several). `path` prefixes the field names, e.g. `matchExpressions[0]`.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path = ''): Requirement | string {
  const child = (name: string): string => (path ? `${path}.${name}` : name);
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidText(child('key'), key, keyErrs.join('; ')));
  const vpath = child('values');
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) errs.push(invalidText(vpath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) errs.push(invalidText(vpath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists': case '!':
      if (values.length !== 0) errs.push(invalidText(vpath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt': case 'lt':
      if (values.length !== 1) errs.push(invalidText(vpath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidText(`${vpath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`${child('operator')}: Unsupported value: ${quote(String(operator))}: supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`);
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(invalidText(`${vpath}[${i}][${key}]`, v, vErrs.join('; ')));
  });
  if (errs.length === 1) return errs[0] as string;
  if (errs.length > 1) return `[${errs.join(', ')}]`;
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

/** Requirement.Matches: NotIn/!= also match when the label is absent; Gt/Lt compare integers. */
export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes((labels as Record<string, string>)[r.key] as string);
    case 'notin': case '!=':
      return !has || !r.values.includes((labels as Record<string, string>)[r.key] as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const have = parseInt64((labels as Record<string, string>)[r.key] as string);
      const want = parseInt64(r.values[0] as string);
      if (have === undefined || want === undefined) return false;
      return r.operator === 'gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

const OP_TEXT: Record<Operator, string> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

/** Requirement.String: `!a`, `a`, `a=b`, `a in (x,y)` (values sorted on output), `a>1`. */
export function requirementString(r: Requirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const vals = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${r.key}${OP_TEXT[r.operator]}(${vals})` : `${r.key}${OP_TEXT[r.operator]}${vals}`;
}
