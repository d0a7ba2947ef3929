// ObjectMeta bookkeeping the registry owns (k8s.io/apiserver/pkg/registry/rest/create.go, update.go).
import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../machinery/object.js';
import { rfc3339 } from '../../machinery/object.js';
import { deepEqual } from '../../machinery/deep-equal.js';

// names.SimpleNameGenerator: 5 characters from an alphabet without vowels and look-alikes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Fill the system fields of a new object's metadata. */
export function fillCreateMeta(obj: KubeObject, namespace: string, now: number, withGeneration: boolean): ObjectMeta {
  const meta: ObjectMeta = (obj.metadata ??= {});
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`.slice(0, 253);
  if (namespace) meta.namespace = namespace;
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  if (withGeneration) meta.generation = 1;
  else delete meta.generation;
  return meta;
}

/** Fields of metadata a client may not change on update: carried over from the stored object. */
export function keepSystemMeta(obj: KubeObject, old: KubeObject): void {
  const meta: ObjectMeta = (obj.metadata ??= {});
  const o = old.metadata ?? {};
  meta.uid = o.uid;
  meta.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) meta.deletionTimestamp = o.deletionTimestamp; else delete meta.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (o.generation !== undefined) meta.generation = o.generation; else delete meta.generation;
  if (!meta.namespace && o.namespace) meta.namespace = o.namespace;
  delete meta.generateName;
  if (o.generateName) meta.generateName = o.generateName;
}

/** Everything but metadata and status: a change there bumps metadata.generation. */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  const keys = new Set([...Object.keys(obj), ...Object.keys(old)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!deepEqual(obj[k], old[k])) return true;
  }
  return false;
}

/** Kinds without a generation in kube (no spec to observe). */
export function hasGeneration(obj: KubeObject): boolean {
  return 'spec' in obj;
}

/** Equal apart from resourceVersion: an update that changes nothing is not written (no new revision). */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...(o.metadata ?? {}), resourceVersion: undefined } });
  return deepEqual(strip(a), strip(b));
}
