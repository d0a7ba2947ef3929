// Objects are stored as JSON of their storage version, without resourceVersion (the store's
// modRevision is the resourceVersion, stamped on the way out, as kube-apiserver does with etcd).
import type { KeyValue } from '../../storage/types.js';
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { convertFromStorage, convertToStorage } from '../../api/conversion.js';

export function encodeForStorage(def: ResourceDef, obj: KubeObject): Buffer {
  const stored = convertToStorage(def, obj);
  const meta = stored.metadata;
  if (meta && 'resourceVersion' in meta) {
    const { resourceVersion: _rv, ...rest } = meta;
    return Buffer.from(JSON.stringify({ ...stored, metadata: rest }));
  }
  return Buffer.from(JSON.stringify(stored));
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
