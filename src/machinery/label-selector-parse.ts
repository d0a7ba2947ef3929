// The label selector string syntax, lexed and parsed as k8s.io/apimachinery/pkg/labels/selector.go
// does, so that the same strings are accepted and the same error messages come back:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
//
// Internal to machinery: labels.ts is the public surface.
import type { Operator } from './label-requirement.js';
import { newRequirement, invalidText, type Requirement } from './label-requirement.js';
import { isQualifiedName } from './names.js';

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const KEYWORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [')', ')'], [',', ','], ['!', '!'], ['==', '=='], ['=', '='], ['>', '>'], ['in', 'in'],
  ['<', '<'], ['!=', '!='], ['notin', 'notin'], ['(', '('],
]);

interface Item { readonly tok: Tok; readonly lit: string }

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos] as string)) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    const start = pos;
    if (isSpecial(s[pos] as string)) {
      // Longest run of special characters that still spells an operator ("!=", "==").
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos] as string)) {
        const buf = s.slice(start, pos + 1);
        const tok = KEYWORDS.get(buf);
        if (tok) last = { tok, lit: buf };
        else if (last) break;
        pos++;
      }
      if (last) pos = start + last.lit.length;
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${s.slice(start, pos)}'` });
    } else {
      while (pos < s.length && !isSpecial(s[pos] as string) && !isWhitespace(s[pos] as string)) pos++;
      const word = s.slice(start, pos);
      const tok = KEYWORDS.get(word);
      items.push({ tok: tok === 'in' || tok === 'notin' ? tok : 'id', lit: word });
    }
  }
}

class ParseError extends Error {}

class Parser {
  #pos = 0;
  constructor(private readonly items: readonly Item[]) {}

  /** In a value position, the words "in" and "notin" are plain identifiers. */
  #at(i: number, values: boolean): Item {
    const it = this.items[Math.min(i, this.items.length - 1)] as Item;
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  peek(values = true): Item { return this.#at(this.#pos, values); }
  next(values = true): Item { return this.#at(this.#pos++, values); }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek();
      if (tok === 'eos') return out;
      if (tok !== 'id' && tok !== '!') throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        out.push(this.requirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next();
      if (after.tok === 'eos') return out;
      if (after.tok !== ',') throw new ParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.peek();
      if (t2.tok !== 'id' && t2.tok !== '!') throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
    }
  }

  requirement(): Requirement {
    let op: Operator | undefined;
    let { tok, lit } = this.next();
    if (tok === '!') {
      op = '!';
      ({ tok, lit } = this.next());
    }
    if (tok !== 'id') throw new ParseError(`found '${lit}', expected: identifier`);
    const keyErrs = isQualifiedName(lit);
    // The parser checks the key with no field path, hence kube's "<nil>: Invalid value: ...".
    if (keyErrs.length > 0) throw new ParseError(invalidText('<nil>', lit, keyErrs.join('; ')));
    const key = lit;
    const la = this.peek().tok;
    if (op === undefined && (la === 'eos' || la === ',')) op = 'exists';
    if (op === 'exists' || op === '!') return checked(key, op, []);

    const opItem = this.next(false);
    const binary: Partial<Record<Tok, Operator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const bop = binary[opItem.tok];
    if (bop === undefined) throw new ParseError(`found '${opItem.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = bop === 'in' || bop === 'notin' ? this.values() : this.exactValue();
    // sets.String.List(): sorted, without duplicates.
    return checked(key, bop, [...new Set(values)].sort());
  }

  values(): string[] {
    const open = this.next();
    if (open.tok !== '(') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek();
    if (tok === ')') {
      this.next();
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const out = this.identifiers();
    this.next(); // the ')' identifiers() stopped at
    return out;
  }

  /** A comma-separated list where empty entries mean the empty value: "(a,,b)", "(,a)", "(a,)". */
  identifiers(): string[] {
    const out: string[] = [];
    for (;;) {
      const { tok, lit } = this.next();
      if (tok === 'id') {
        out.push(lit);
        const la = this.peek();
        if (la.tok === ',') continue;
        if (la.tok === ')') return out;
        throw new ParseError(`found '${la.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (out.length === 0) out.push('');
      const la = this.peek().tok;
      if (la === ')') {
        out.push('');
        return out;
      }
      if (la === ',') out.push('');
    }
  }

  exactValue(): string[] {
    const la = this.peek().tok;
    if (la === 'eos' || la === ',') return [''];
    const { tok, lit } = this.next();
    if (tok === 'id') return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

function checked(key: string, op: Operator, values: string[]): Requirement {
  const r = newRequirement(key, op, values);
  if (typeof r === 'string') throw new ParseError(r);
  return r;
}

/** The requirements of a selector string, sorted by key; a message as kube words it on failure. */
export function parseRequirements(s: string): Requirement[] | string {
  try {
    const reqs = new Parser(lex(s)).parse();
    return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } catch (e) {
    if (e instanceof ParseError) return e.message;
    throw e;
  }
}
