// The subset of kubectl JSONPath that CRD additionalPrinterColumns and selectableFields use:
// `.a.b`, `.a[0].b`, `.a[-1]`, `['x.y']`, `[*]`, `.*` and filters `[?(@.type=="Ready")]`.
// Missing keys yield no result (AllowMissingKeys), as k8s.io/client-go/util/jsonpath does for columns.
import { isPlainObject } from '../../machinery/object.js';

type Literal = string | number | boolean | null;

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op: '==' | '!='; value: Literal }
  | { kind: 'exists'; path: Step[] };

export class JsonPathError extends Error {
  constructor(readonly expression: string, reason: string) {
    super(`invalid JSONPath ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'JsonPathError';
  }
}

/** A compiled path: all values it selects in `root`, in document order. */
export type JsonPath = (root: unknown) => unknown[];

const NAME_END = /[.[\]\s=!)]/;

function parseSteps(expr: string, src: string, start: number, stopAtParen: boolean): { steps: Step[]; end: number } {
  const steps: Step[] = [];
  let i = start;
  const fail = (why: string): never => { throw new JsonPathError(src, why); };
  while (i < expr.length) {
    const c = expr[i];
    if (stopAtParen && (c === ' ' || c === '=' || c === '!' || c === ')')) break;
    if (c === '.') {
      i++;
      if (expr[i] === '.') fail('recursive descent (..) is not supported');
      if (expr[i] === '*') { steps.push({ kind: 'wildcard' }); i++; continue; }
      let j = i;
      while (j < expr.length && !NAME_END.test(expr[j] ?? '')) j++;
      if (j === i) {
        if (i >= expr.length || expr[i] === '[') continue; // "." alone is the current object
        fail(`unexpected ${JSON.stringify(expr[i])} at ${i}`);
      }
      steps.push({ kind: 'field', name: expr.slice(i, j) });
      i = j;
    } else if (c === '[') {
      const close = closingBracket(expr, i);
      if (close < 0) fail('unterminated [');
      const inner = expr.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1).trim(), src));
      else fail(`unsupported subscript [${inner}]`);
      i = close + 1;
    } else if (c === ' ' && !stopAtParen) {
      fail('unexpected space');
    } else {
      fail(`unexpected ${JSON.stringify(c)} at ${i}`);
    }
  }
  return { steps, end: i };
}

/** Index of the `]` closing the `[` at `open`, skipping nested brackets and quoted strings; -1 if none. */
function closingBracket(expr: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < expr.length; i++) {
    const c = expr[i];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

function parseLiteral(text: string, src: string): Literal {
  const t = text.trim();
  if (/^'[^']*'$|^"[^"]*"$/.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  throw new JsonPathError(src, `unsupported filter value ${t}`);
}

function parseFilter(body: string, src: string): Step {
  if (!body.startsWith('@')) throw new JsonPathError(src, 'filters must start with @');
  const { steps, end } = parseSteps(body, src, 1, true);
  const rest = body.slice(end).trim();
  if (rest === '') return { kind: 'exists', path: steps };
  const m = /^(==|!=)(.*)$/.exec(rest);
  if (!m) throw new JsonPathError(src, `unsupported filter ${body}`);
  return { kind: 'filter', path: steps, op: m[1] === '==' ? '==' : '!=', value: parseLiteral(m[2] ?? '', src) };
}

function apply(steps: readonly Step[], roots: unknown[]): unknown[] {
  let cur = roots;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (step.kind) {
        case 'field':
          if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, step.name)) next.push(v[step.name]);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const i = step.index < 0 ? v.length + step.index : step.index;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case 'wildcard':
          if (Array.isArray(v)) next.push(...v);
          else if (isPlainObject(v)) next.push(...Object.keys(v).sort().map((k) => v[k]));
          break;
        case 'filter':
        case 'exists':
          if (Array.isArray(v)) {
            for (const el of v) {
              const found = apply(step.path, [el]);
              if (step.kind === 'exists' ? found.length > 0 : found.some((f) => f === step.value) === (step.op === '==')) next.push(el);
            }
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

/** Compile a JSONPath, with or without the surrounding `{}`. Throws JsonPathError on what it cannot read. */
export function compileJsonPath(expression: string): JsonPath {
  let expr = expression.trim();
  if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1).trim();
  if (expr.startsWith('$')) expr = expr.slice(1);
  if (!expr.startsWith('.') && !expr.startsWith('[')) throw new JsonPathError(expression, 'must start with "." or "["');
  const { steps } = parseSteps(expr, expression, 0, false);
  return (root) => apply(steps, [root]);
}

/**
 * A JSON number as kube prints it: integral values decode as int64 and print in full; others are
 * float64, printed by Go's %v (shortest 'g', exponent form below 1e-4 and from 1e6: 1.5e+06).
 */
function goNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** Go-JSON-like text of a value, keys sorted (encoding/json of map[string]interface{}). */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** How kubectl's JSONPath printer writes one value: strings raw, scalars as Go prints them, objects as JSON. */
export function jsonPathText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumber(v);
  return goJson(v);
}
