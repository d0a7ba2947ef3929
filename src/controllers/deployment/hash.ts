// The pod-template-hash (kube's controller.ComputeHash): fnv32a of the template plus the
// collision count, its decimal digits mapped onto a vowel-free alphabet (rand.SafeEncodeString).
// Kube hashes the Go struct; we hash the template's JSON with keys sorted and nulls and empty
// collections dropped (as decoding into the struct would), which gives what matters: one
// template, one hash, and a new hash after every collision.
import type { PodTemplateSpec } from '../replicaset/index.js';
import { semanticValue } from './semantic.js';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal templates give equal bytes. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into an alphabet without vowels (no words) or look-alikes. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: Readonly<PodTemplateSpec>, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(semanticValue(template) ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Kube writes the count as 4 little-endian bytes into an 8-byte buffer and hashes all 8.
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return safeEncodeString(String(h));
}
