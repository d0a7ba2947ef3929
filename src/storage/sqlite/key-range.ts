// Prefix → key range. SQLite compares TEXT with the BINARY collation (memcmp of UTF-8), and UTF-8
// byte order is code point order, so a prefix's range ends at the prefix with its last code point
// incremented. A range scan uses the key index; LIKE/substr would not.

/** A half-open key range [start, end); `end` undefined means unbounded. */
export interface KeyRange {
  readonly start: string;
  readonly end: string | undefined;
}

/** The smallest string greater than every string starting with `prefix` (undefined when none). */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      // Surrogate code points never occur in well-formed strings: skip over them.
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

export function prefixRange(prefix: string): KeyRange {
  return { start: prefix, end: prefixEnd(prefix) };
}
