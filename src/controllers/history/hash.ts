// Revision names as kube makes them (pkg/controller/history HashControllerRevision,
// ControllerRevisionName; apimachinery util/rand SafeEncodeString): FNV-1 32 over the revision's
// data as Go's encoding/json writes a map (sorted keys, HTML-safe escapes), then the collision
// count in decimal, the sum printed in decimal and each digit mapped to a consonant or digit so the
// result never spells words.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1 (multiply, then xor), 32 bits: Go's hash/fnv New32. */
export function fnv1(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) h = (Math.imul(h, FNV32_PRIME) ^ b) >>> 0;
  return h;
}

/** FNV-1a (xor, then multiply), 32 bits: Go's hash/fnv New32a. */
export function fnv1a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, FNV32_PRIME) >>> 0;
  return h;
}

/** rand.SafeEncodeString: every character mapped through a 27-letter alphabet without vowels. */
export function safeEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/**
 * JSON as Go's json.Marshal writes a decoded value: object keys sorted, and `<`, `>`, `&`,
 * U+2028 and U+2029 escaped. Revisions compare and hash this form, so key order never matters.
 */
export function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
  return out;
}

/** HashControllerRevision(revision, probe): the safe-encoded FNV-1 of the data and the collision count. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  const bytes = Buffer.from(goJson(data) + (collisionCount === undefined ? '' : String(collisionCount)), 'utf8');
  return safeEncode(String(fnv1(bytes)));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 bytes so the name fits 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * controller.ComputeHash(template, collisionCount), the hash DaemonSets (and Deployments) label
 * their pods with: FNV-1a over the template, then the collision count as 8 little-endian bytes.
 * kube hashes a Go dump of the struct; k8ts hashes its sorted JSON, so the values differ from
 * kube's but have the same properties (stable, changes with the template and the count).
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a(Buffer.from(goJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv1a(b, h);
  }
  return safeEncode(String(h));
}
