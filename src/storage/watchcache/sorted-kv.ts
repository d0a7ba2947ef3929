// The current objects of one resource, sorted by key: a list of sorted chunks (the layout of Python's
// sortedcontainers). A lookup is two binary searches (chunk, then position in it); an insert or a
// delete moves at most one chunk's entries (≤ 1024) instead of up to all 100k of one flat array;
// a prefix (one namespace) is the range between two lookups, so a namespace list never scans others.
// Keys compare with JavaScript's `<` (UTF-16 code units). That equals the stores' byte order (UTF-8,
// code point order) for every key without characters at or above U+E000 next to astral ones, which
// includes all Kubernetes keys (names and namespaces are ASCII).

import type { KeyValue } from '../types.js';
import { prefixEnd } from '../sqlite/key-range.js';

/** A chunk splits in two when it grows past this. */
const MAX_CHUNK = 1024;
/** Chunks built from a sorted list hold this many. */
const LOAD_CHUNK = 512;

export interface Page {
  readonly items: KeyValue[];
  readonly more: boolean;
  readonly remaining: number;
}

export class SortedKV {
  private chunks: KeyValue[][] = [];
  /** The last key of each chunk (chunks are never empty). */
  private lasts: string[] = [];
  private count = 0;

  /** Builds from values sorted by key (as a store lists them); sorts them first when they are not. */
  static from(items: readonly KeyValue[]): SortedKV {
    const s = new SortedKV();
    let sorted = true;
    for (let i = 1; i < items.length && sorted; i++) if (!(items[i - 1]!.key < items[i]!.key)) sorted = false;
    const src = sorted ? items : [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let i = 0; i < src.length; i += LOAD_CHUNK) {
      const chunk = src.slice(i, i + LOAD_CHUNK);
      s.chunks.push(chunk);
      s.lasts.push(chunk[chunk.length - 1]!.key);
    }
    s.count = src.length;
    return s;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): KeyValue | undefined {
    return this.find(key)?.kv;
  }

  /** Where `key` is held, if it is. */
  private find(key: string): { ci: number; chunk: KeyValue[]; i: number; kv: KeyValue } | undefined {
    const ci = this.chunkFor(key, false);
    const chunk = this.chunks[ci];
    if (chunk === undefined) return undefined;
    const i = lowerBound(chunk, key, false);
    const kv = chunk[i];
    return kv !== undefined && kv.key === key ? { ci, chunk, i, kv } : undefined;
  }

  /** Inserts or replaces the value of `kv.key`; returns the value replaced. */
  set(kv: KeyValue): KeyValue | undefined {
    const key = kv.key;
    if (this.chunks.length === 0) {
      this.chunks.push([kv]);
      this.lasts.push(key);
      this.count = 1;
      return undefined;
    }
    let ci = this.chunkFor(key, false);
    if (ci === this.chunks.length) ci--; // after every key: append to the last chunk
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key, false);
    const found = chunk[i];
    if (found !== undefined && found.key === key) {
      chunk[i] = kv;
      return found;
    }
    chunk.splice(i, 0, kv);
    this.count++;
    if (i === chunk.length - 1) this.lasts[ci] = key;
    if (chunk.length > MAX_CHUNK) {
      const tail = chunk.splice(chunk.length >> 1);
      this.chunks.splice(ci + 1, 0, tail);
      this.lasts.splice(ci, 0, chunk[chunk.length - 1]!.key);
    }
    return undefined;
  }

  /** Removes `key`; returns the value it had. */
  delete(key: string): KeyValue | undefined {
    const at = this.find(key);
    if (at === undefined) return undefined;
    const { ci, chunk, i, kv } = at;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(ci, 1);
      this.lasts.splice(ci, 1);
    } else if (i === chunk.length) {
      this.lasts[ci] = chunk[chunk.length - 1]!.key;
    }
    return kv;
  }

  /** Keys under `prefix`, strictly after `startAfter` (when given), at most `limit` (0: all). */
  page(prefix: string, limit = 0, startAfter?: string): Page {
    const [fc, fi, total] = this.range(prefix, startAfter);
    const n = limit > 0 ? Math.min(limit, total) : total;
    const items = new Array<KeyValue>(n);
    let ci = fc;
    let i = fi;
    for (let k = 0; k < n;) {
      const chunk = this.chunks[ci]!;
      const take = Math.min(chunk.length - i, n - k);
      for (let j = 0; j < take; j++) items[k++] = chunk[i + j]!;
      ci++;
      i = 0;
    }
    return { items, more: n < total, remaining: total - n };
  }

  /** Number of keys under `prefix` (strictly after `startAfter`, when given). */
  countPrefix(prefix: string, startAfter?: string): number {
    return this.range(prefix, startAfter)[2];
  }

  /** The values under `prefix` (strictly after `startAfter`), in key order. */
  *scan(prefix: string, startAfter?: string): IterableIterator<KeyValue> {
    const [fc, fi, total] = this.range(prefix, startAfter);
    let left = total;
    for (let ci = fc, i = fi; left > 0; ci++, i = 0) {
      const chunk = this.chunks[ci]!;
      for (; i < chunk.length && left > 0; i++, left--) yield chunk[i]!;
    }
  }

  /** Where the keys under `prefix` (after `startAfter`) begin, and how many there are. */
  private range(prefix: string, startAfter: string | undefined): [number, number, number] {
    const [fc, fi] = startAfter !== undefined && startAfter >= prefix ? this.seek(startAfter, true) : this.seek(prefix, false);
    const end = prefixEnd(prefix);
    const [ec, ei] = end === undefined ? [this.chunks.length, 0] : this.seek(end, false);
    return [fc, fi, Math.max(0, this.rank(ec, ei) - this.rank(fc, fi))];
  }

  *[Symbol.iterator](): IterableIterator<KeyValue> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** Index of the first chunk whose last key is ≥ key (> key when `strict`); chunks.length if none. */
  private chunkFor(key: string, strict: boolean): number {
    const lasts = this.lasts;
    let lo = 0;
    let hi = lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? lasts[mid]! <= key : lasts[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of the first key ≥ key (> key when `strict`); [chunks.length, 0] past the end. */
  private seek(key: string, strict: boolean): [number, number] {
    const ci = this.chunkFor(key, strict);
    const chunk = this.chunks[ci];
    if (chunk === undefined) return [this.chunks.length, 0];
    return [ci, lowerBound(chunk, key, strict)];
  }

  /** Number of keys before a position (a sum over chunks: ~200 of them for 100k keys). */
  private rank(ci: number, i: number): number {
    const chunks = this.chunks;
    if (ci > chunks.length >> 1) {
      // Nearer the end: count minus the keys from the position on.
      let from = -i;
      for (let c = ci; c < chunks.length; c++) from += chunks[c]!.length;
      return this.count - from;
    }
    let n = i;
    for (let c = 0; c < ci; c++) n += chunks[c]!.length;
    return n;
  }
}

function lowerBound(chunk: readonly KeyValue[], key: string, strict: boolean): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = chunk[mid]!.key;
    if (strict ? k <= key : k < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
