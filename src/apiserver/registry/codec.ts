// Objects are stored as JSON of their storage version, without resourceVersion (the store's
// modRevision is the resourceVersion, stamped on the way out, as kube-apiserver does with etcd).
import type { KeyValue } from '../../storage/types.js';
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { convertFromStorage, convertToStorage } from '../../api/conversion.js';

// Stored JSON starts with metadata, so the resourceVersion can be spliced into the stored bytes on
// the way out without decoding them (DESIGN.md: objects travel as bytes).
const META_PREFIX = Buffer.from('{"metadata":{"');

export function encodeForStorage(def: ResourceDef, obj: KubeObject): Buffer {
  const { metadata, ...rest } = convertToStorage(def, obj);
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  return Buffer.from(JSON.stringify({ metadata: meta, ...rest }));
}

/**
 * The JSON a client gets for a stored value, without decoding it: `metadata.resourceVersion` is
 * spliced in. Undefined when the value needs conversion to `def`'s version (or was stored in another
 * layout): decode it then.
 */
export function rawFromStorage(def: ResourceDef, kv: KeyValue, revision = kv.modRevision): Buffer | undefined {
  const parts = rawPartsFromStorage(def, kv, revision);
  return parts && Buffer.concat(parts);
}

/** rawFromStorage's bytes as two parts, the second a view of the stored value (nothing copied). */
export function rawPartsFromStorage(def: ResourceDef, kv: KeyValue, revision = kv.modRevision): [Buffer, Buffer] | undefined {
  if (!def.storageVersion) return undefined;
  const v = kv.value;
  if (v.length <= META_PREFIX.length || v.compare(META_PREFIX, 0, META_PREFIX.length, 0, META_PREFIX.length) !== 0) return undefined;
  return [Buffer.from(`{"metadata":{"resourceVersion":"${revision}","`), v.subarray(META_PREFIX.length)];
}

/** jsonFromStorage as parts to write one after the other (views of the stored value when possible). */
export function jsonPartsFromStorage(def: ResourceDef, kv: KeyValue, revision = kv.modRevision): Buffer[] {
  return rawPartsFromStorage(def, kv, revision) ?? [Buffer.from(JSON.stringify(decodeFromStorage(def, kv, revision)))];
}

/** JSON bytes of a stored value as `def`'s version shows it (spliced when possible). */
export function jsonFromStorage(def: ResourceDef, kv: KeyValue, revision = kv.modRevision): Buffer {
  return rawFromStorage(def, kv, revision) ?? Buffer.from(JSON.stringify(decodeFromStorage(def, kv, revision)));
}

/** Decode a stored value into the object as `def`'s version shows it, resourceVersion stamped. */
export function decodeFromStorage(def: ResourceDef, kv: KeyValue, revision = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  return convertFromStorage(def, obj);
}

/** Set apiVersion/kind of `def` on an object built or received for it. */
export function stampKind(def: ResourceDef, obj: KubeObject): KubeObject {
  obj.apiVersion = apiVersionOf(def.group, def.version);
  obj.kind = def.kind;
  return obj;
}
