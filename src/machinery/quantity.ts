// resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go): parsing, exact arithmetic
// and the canonical form kube serialises ("1000m" → "1", "1024Ki" → "1Mi", "0.5" → "500m").
//
// Values are kept exactly as unscaled × 10^scale with a bigint unscaled part, so nothing is lost
// however large or precise; like kube, parsing rounds magnitudes up to a multiple of 1n and caps
// them at 2^63-1. The plain-number views (`value`, toMilli, intValue) are exact only while the
// result stays below 2^53; use toMilliBig for more.
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  /** The exact value is unscaled × 10^scale. */
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  /** The value as a number (cores, bytes, ...), e.g. 0.1 for "100m". Approximate beyond 2^53. */
  readonly value: number;
  /** The input text, when kube would serialise it back unchanged (it was already canonical). */
  readonly text?: string;
}

/** Thrown for text that is not a quantity; the message is kube's. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

export const QUANTITY_REGEXP = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const ERR_FORMAT = `quantities must match the regular expression '${QUANTITY_REGEXP}'`;
const ERR_SUFFIX = "unable to parse quantity's suffix";

const MAX = 2n ** 63n - 1n; // kube's maxAllowed
const NANO = -9;

const DEC_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e, s]));

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface Parts { positive: boolean; num: string; denom: string; suffix: string }

/** parseQuantityString: sign, numerator (leading zeros dropped), fraction, suffix. */
function splitQuantity(str: string): Parts {
  let pos = 0;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') { positive = str[0] === '+'; pos++; }
  while (str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, num: '0', denom: '', suffix: '' };
  let start = pos;
  while (isDigit(str[pos])) pos++;
  const num = str.slice(start, pos) || '0';
  let denom = '';
  if (str[pos] === '.') {
    start = ++pos;
    while (isDigit(str[pos])) pos++;
    denom = str.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos] as string)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < str.length) throw new QuantityError(ERR_FORMAT);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  const dec = DEC_SUFFIXES[s];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BIN_SUFFIXES[s];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    return { base: 10, exponent: Number(s.slice(1)), format: 'DecimalExponent' };
  }
  throw new QuantityError(ERR_SUFFIX);
}

function approx(unscaled: bigint, scale: number): number {
  return unscaled === 0n ? 0 : Number.parseFloat(`${unscaled}e${scale}`);
}

function make(unscaled: bigint, scale: number, format: QuantityFormat, text?: string): Quantity {
  const q: Quantity = text === undefined
    ? { unscaled, scale, format, value: approx(unscaled, scale) }
    : { unscaled, scale, format, value: approx(unscaled, scale), text };
  return Object.freeze(q);
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** unscaled × 10^scale compared with the integer n. */
function cmpInt(unscaled: bigint, scale: number, n: bigint): -1 | 0 | 1 {
  const [a, b] = scale >= 0 ? [unscaled * 10n ** BigInt(scale), n] : [unscaled, n * 10n ** BigInt(-scale)];
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether kube's int64 fast path would keep the input string as the serialised form: it does when
 * the number is already canonical (no trailing "000", exponent a multiple of 3, Ki-style suffixes
 * on a value that is not a multiple of 8).
 */
function keepsText(p: Parts, exponent: number, format: QuantityFormat): boolean {
  const shifted = p.num + p.denom;
  if (format === 'BinarySI') {
    if (p.denom.length > 0 || 15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1 < 0) return false;
    const v = BigInt(shifted);
    return (v << BigInt(exponent)) <= MAX && exponent % 10 === 0 && (v & 7n) !== 0n;
  }
  const scale = exponent - p.denom.length;
  if (18 - shifted.length < 0 || scale < NANO || BigInt(shifted) > MAX) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** resource.ParseQuantity. Throws QuantityError with kube's message on bad input. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) throw new QuantityError(ERR_FORMAT);
  if (str === '0') return make(0n, 0, 'DecimalSI', '0');
  const p = splitQuantity(str);
  const { base, exponent, format } = interpretSuffix(p.suffix);
  let unscaled = BigInt(p.num + p.denom);
  let scale = -p.denom.length;
  let fmt = format;
  if (unscaled !== 0n && exponent > 100) {
    unscaled = MAX; // far beyond the cap; do not build a huge power of ten
    scale = 0;
  } else if (unscaled !== 0n && exponent < -1000) {
    unscaled = 1n; // far below 1n: rounds up to 1n
    scale = NANO;
  } else if (base === 10) {
    scale += exponent;
  } else {
    unscaled <<= BigInt(exponent);
  }
  // Round the magnitude up to a whole number of nano units, then cap it (kube does both).
  if (scale < NANO) {
    const div = 10n ** BigInt(NANO - scale);
    const q = unscaled / div;
    unscaled = unscaled % div === 0n ? q : q + 1n;
    scale = NANO;
  }
  if (cmpInt(unscaled, scale, MAX) > 0) { unscaled = MAX; scale = 0; }
  if (fmt === 'BinarySI' && unscaled !== 0n && cmpInt(unscaled, scale, 1n) < 0) {
    fmt = 'DecimalSI'; // between 0 and 1: kube shows it in DecimalSI rather than round it
  }
  if (!p.positive) unscaled = -unscaled;
  return make(unscaled, scale, fmt, keepsText(p, exponent, format) ? str : undefined);
}

/** parseQuantity, or undefined for anything that is not a valid quantity string or number. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && !(typeof input === 'number' && Number.isFinite(input))) return undefined;
  try {
    return parseQuantity(input);
  } catch (e) {
    if (e instanceof QuantityError) return undefined;
    throw e;
  }
}

/** A quantity of `unscaled × 10^scale` (resource.NewScaledQuantity with a format). */
export function newScaledQuantity(unscaled: bigint | number, scale: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return make(BigInt(unscaled), scale, format);
}

/** resource.NewQuantity: a whole number of units (bytes, cores, pods). */
export function newQuantity(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return make(BigInt(value), 0, format);
}

/** resource.NewMilliQuantity: thousandths of a unit (millicores). */
export function newMilliQuantity(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return make(BigInt(milli), -3, format);
}

/** The two unscaled values brought to the same (smaller) scale. */
function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const s = Math.min(a.scale, b.scale);
  return [a.unscaled * 10n ** BigInt(a.scale - s), b.unscaled * 10n ** BigInt(b.scale - s), s];
}

/** Quantity.Cmp: -1, 0 or 1, exactly. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.Add: exact; the format is a's, or b's when a is zero. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, s] = aligned(a, b);
  return make(x + y, s, a.unscaled === 0n ? b.format : a.format);
}

/** Quantity.Sub: exact; the format is a's, or b's when a is zero. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, s] = aligned(a, b);
  return make(x - y, s, a.unscaled === 0n ? b.format : a.format);
}

/** The value in units of 10^scale, rounded away from zero as kube's ScaledValue does. */
function scaledBig(q: Quantity, scale: number): bigint {
  if (q.scale >= scale) return q.unscaled * 10n ** BigInt(q.scale - scale);
  const div = 10n ** BigInt(scale - q.scale);
  const t = q.unscaled / div;
  if (q.unscaled % div === 0n) return t;
  return q.unscaled > 0n ? t + 1n : t - 1n;
}

/** Quantity.MilliValue as a bigint: exact for any quantity. */
export function toMilliBig(q: Quantity): bigint {
  return scaledBig(q, -3);
}

/** Quantity.MilliValue: thousandths of a unit, rounded up ("1.5m" → 2). */
export function toMilli(q: Quantity): number {
  return Number(scaledBig(q, -3));
}

/** Quantity.Value: whole units, rounded up ("100m" → 1). */
export function intValue(q: Quantity): number {
  return Number(scaledBig(q, 0));
}

/** Canonical digits and a power-of-ten exponent that is a multiple of 3 (AsCanonicalBytes). */
function decimalParts(unscaled: bigint, scale: number): [bigint, number] {
  let m = unscaled;
  let e = scale;
  while (m !== 0n && m % 10n === 0n) { m /= 10n; e++; }
  while (((e % 3) + 3) % 3 !== 0) { m *= 10n; e--; }
  return [m, e];
}

/**
 * The string kube serialises a quantity as (Quantity.String / CanonicalizeBytes): the largest
 * suffix that keeps an integer mantissa, in the quantity's format family. BinarySI values below
 * 1024 or with a fraction are shown in DecimalSI, as kube does.
 */
export function canonical(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const v = q.scale >= 0 ? q.unscaled * 10n ** BigInt(q.scale) : undefined;
    const isInt = v !== undefined || q.unscaled % 10n ** BigInt(-q.scale) === 0n;
    const whole = v ?? q.unscaled / 10n ** BigInt(-q.scale);
    if (!isInt || abs(whole) < 1024n) {
      format = 'DecimalSI';
    } else {
      let m = whole;
      let e = 0;
      while (abs(m) >= 1024n && m % 1024n === 0n && e < 60) { m /= 1024n; e += 10; }
      return `${m}${BIN_BY_EXP.get(e) ?? ''}`;
    }
  }
  const [m, e] = decimalParts(q.unscaled, q.scale);
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  const suffix = DEC_BY_EXP.get(e);
  return suffix === undefined ? `${m}e${e}` : `${m}${suffix}`;
}

/** canonical() of a parsed string, or undefined when it does not parse. */
export function canonicalize(input: string | number): string | undefined {
  const q = tryParseQuantity(input);
  return q === undefined ? undefined : canonical(q);
}
