// Create and update through the store: metadata bookkeeping, strategy (defaults, prepare, validate),
// admission, optimistic concurrency, dry run. Mirrors k8s.io/apiserver/pkg/registry/generic/registry/store.go.
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  alreadyExists, badRequest, conflict, invalid, notFound, staleConflict, type FieldError,
} from '../../machinery/errors.js';
import { KeyExistsError, KeyNotFoundError, RevisionConflictError, type KeyValue } from '../../storage/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/strategies/index.js';
import type { RegistryDeps } from './context.js';
import { decodeFromStorage, encodeForStorage } from './codec.js';
import { gr, objectKey } from './keys.js';
import { fillCreateMeta, hasGeneration, keepSystemMeta, sameObject, specChanged } from './object-meta.js';
import { clone } from '../../machinery/deep-equal.js';
import { hasPendingFinalizers } from './delete.js';

export interface WriteOptions { dryRun: boolean }

function runValidation(deps: RegistryDeps, def: ResourceDef, obj: KubeObject, old: KubeObject | undefined, system = false): void {
  const strategy = system ? undefined : deps.strategyFor(def);
  const errs: FieldError[] = old
    ? [...validateObjectMetaUpdate(obj, old, def.namespaced), ...(strategy?.validateUpdate?.(obj, old) ?? [])]
    : [...validateObjectMeta(obj, def.namespaced), ...(strategy?.validateCreate?.(obj) ?? [])];
  if (deps.validateCustom) errs.push(...deps.validateCustom(def, obj));
  if (errs.length > 0) throw invalid(def.kind, def.group, obj.metadata?.name ?? '', errs);
}

/** The object as written: the one in hand with its new resourceVersion (no re-decode of the stored
 *  bytes) when it is in the storage version; decoded otherwise, so conversion runs both ways. */
function written(def: ResourceDef, obj: KubeObject, kv: KeyValue): KubeObject {
  if (!def.storageVersion) return decodeFromStorage(def, kv);
  (obj.metadata ??= {}).resourceVersion = String(kv.modRevision);
  return obj;
}

/** POST: a new object. `obj` has passed checkIncoming. */
export async function createObject(deps: RegistryDeps, def: ResourceDef, namespace: string, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
  const meta = obj.metadata ?? {};
  if (def.namespaced) {
    if (meta.namespace && namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    namespace = namespace || meta.namespace || '';
  } else if (meta.namespace) {
    delete meta.namespace; // cluster-scoped objects have no namespace; kube clears it
  }
  if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (!meta.name && !meta.generateName) {
    throw invalid(def.kind, def.group, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  const strategy = deps.strategyFor(def);
  fillCreateMeta(obj, def.namespaced ? namespace : '', deps.clock.now(), hasGeneration(obj) || def.crd !== undefined);
  strategy?.default?.(obj);
  strategy?.prepareForCreate?.(obj);
  runValidation(deps, def, obj, undefined);
  const name = obj.metadata?.name ?? '';
  for (const plugin of deps.admission) {
    await plugin.admit({ operation: 'CREATE', def, namespace, name, obj, dryRun: opts.dryRun });
  }
  const key = objectKey(def, namespace, name);
  if (opts.dryRun) {
    if (await deps.store.get(key)) throw alreadyExists(gr(def), name);
    return obj;
  }
  try {
    const kv = await deps.store.create(key, encodeForStorage(def, obj));
    return written(def, obj, kv);
  } catch (e) {
    if (e instanceof KeyExistsError) throw alreadyExists(gr(def), name);
    throw e;
  }
}

/** main: a client's update of the object; status: of its status only; system: a server-internal
 *  change of both (pods/binding, finalize) that the kind's update validation would refuse from a client. */
export type UpdateMode = 'main' | 'status' | 'system';

/**
 * Apply `mutate` to the current object and write it, retrying on conflicts while no precondition pins
 * the revision (GuaranteedUpdate). `mutate` returns the desired object (it receives a private copy).
 */
export async function guaranteedUpdate(
  deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, mode: UpdateMode, opts: WriteOptions,
  mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
  ifMissing?: () => Promise<KubeObject>,
): Promise<KubeObject> {
  const key = objectKey(def, namespace, name);
  for (let attempt = 0; ; attempt++) {
    const kv = await deps.store.get(key);
    if (!kv) {
      if (ifMissing) return ifMissing();
      throw notFound(gr(def), name);
    }
    const current = decodeFromStorage(def, kv);
    const desired = await mutate(clone(current));
    const pinned = desired.metadata?.resourceVersion;
    if (pinned && pinned !== String(kv.modRevision)) throw staleConflict(gr(def), name);
    try {
      return await writeUpdate(deps, def, namespace, name, kv, current, desired, mode, opts);
    } catch (e) {
      // Someone wrote in between: read again and redo the change, as kube's GuaranteedUpdate does
      // (every round has a winner, so this ends). An object pinned to a resourceVersion then fails
      // the check above with 409, as it must.
      if (e instanceof RevisionConflictError && attempt < 1000) continue;
      if (e instanceof RevisionConflictError) throw staleConflict(gr(def), name);
      if (e instanceof KeyNotFoundError) throw notFound(gr(def), name);
      throw e;
    }
  }
}

async function writeUpdate(
  deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, kv: KeyValue,
  current: KubeObject, desired: KubeObject, mode: UpdateMode, opts: WriteOptions,
): Promise<KubeObject> {
  const strategy = deps.strategyFor(def);
  const dmeta = (desired.metadata ??= {});
  if (dmeta.name !== undefined && dmeta.name !== name) {
    throw badRequest(`the name of the object (${dmeta.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && dmeta.namespace && dmeta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  dmeta.name = name;
  const uid = current.metadata?.uid;
  if (dmeta.uid && uid && dmeta.uid !== uid) {
    // The object was replaced by another of the same name (kube: a UID precondition).
    throw conflict(gr(def), name, `Precondition failed: UID in precondition: ${dmeta.uid}, UID in object meta: ${uid}`);
  }
  let next: KubeObject;
  if (mode === 'status') {
    // Only status moves; everything else stays as stored (StatusStrategy.PrepareForUpdate).
    next = clone(current);
    if (desired.status === undefined) delete next.status; else next.status = desired.status;
    if (!def.crd) {
      // Built-in status strategies reset only the spec: labels and annotations written through
      // status stay (the deployment controller records revisions that way), except a Deployment's labels.
      const nmeta = (next.metadata ??= {});
      if (dmeta.annotations !== undefined) nmeta.annotations = dmeta.annotations; else delete nmeta.annotations;
      if (def.kind !== 'Deployment') { if (dmeta.labels !== undefined) nmeta.labels = dmeta.labels; else delete nmeta.labels; }
    }
  } else if (mode === 'system') {
    next = desired;
    keepSystemMeta(next, current);
  } else {
    next = desired;
    keepSystemMeta(next, current);
    strategy?.default?.(next);
    if (def.subresources.some((s) => s.name === 'status')) {
      // The main resource cannot change status when a status subresource exists.
      if (current.status === undefined) delete next.status; else next.status = clone(current.status);
    }
    strategy?.prepareForUpdate?.(next, current);
    if (next.metadata?.generation !== undefined && specChanged(next, current)) {
      next.metadata.generation = (current.metadata?.generation ?? 0) + 1;
    }
  }
  runValidation(deps, def, next, current, mode === 'system');
  for (const plugin of deps.admission) {
    await plugin.admit({ operation: 'UPDATE', def, namespace, name, obj: next, old: current, dryRun: opts.dryRun });
  }
  if (sameObject(next, current)) return current; // no-op: no new revision
  if (opts.dryRun) return next;
  if (next.metadata?.deletionTimestamp && !hasPendingFinalizers(def, next) && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
    // The last finalizer left an object being deleted: it goes now (kube's deleteWithoutFinalizers).
    const deleted = await deps.store.delete(objectKey(def, namespace, name), kv.modRevision);
    return decodeFromStorage(def, { ...deleted, value: encodeForStorage(def, next) });
  }
  const stored = await deps.store.update(objectKey(def, namespace, name), encodeForStorage(def, next), kv.modRevision);
  return written(def, next, stored);
}

/** PUT of a whole object (main resource or status). */
export async function updateObject(
  deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, obj: KubeObject, mode: UpdateMode, opts: WriteOptions,
  allowCreate: boolean,
): Promise<{ obj: KubeObject; created: boolean }> {
  let created = false;
  const result = await guaranteedUpdate(deps, def, namespace, name, mode, opts, () => clone(obj),
    allowCreate && mode === 'main' ? async () => {
      created = true;
      const fresh = clone(obj);
      if (fresh.metadata) delete fresh.metadata.resourceVersion;
      return createObject(deps, def, namespace, fresh, opts);
    } : undefined);
  return { obj: result, created };
}
