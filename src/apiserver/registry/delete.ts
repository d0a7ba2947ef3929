// DELETE: preconditions, graceful deletion of pods, finalizers and the propagation policy the client
// asked for (recorded as the orphan / foregroundDeletion finalizers, which the garbage collector honours).
// Mirrors k8s.io/apiserver/pkg/registry/generic/registry/store.go Delete and rest/delete.go BeforeDelete.
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject, rfc3339 } from '../../machinery/object.js';
import { badRequest, conflict, notFound, staleConflict } from '../../machinery/errors.js';
import { KeyNotFoundError, RevisionConflictError } from '../../storage/types.js';
import type { RegistryDeps } from './context.js';
import { decodeFromStorage, encodeForStorage } from './codec.js';
import { gr, objectKey } from './keys.js';
import { isTrue } from '../../machinery/parse-bool.js';
import { clone } from '../../machinery/deep-equal.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteResult {
  obj: KubeObject;
  /** True when the object is gone from the store; false when deletion is pending (finalizers, grace). */
  deleted: boolean;
}

/** Merge DeleteOptions from the query and the body (body wins, as kube decodes the body over the query). */
export function parseDeleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const opts: DeleteOptions = { dryRun: query.getAll('dryRun').includes('All') };
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  const prop = query.get('propagationPolicy');
  if (prop) opts.propagationPolicy = prop as DeleteOptions['propagationPolicy'];
  if (isTrue(query.get('orphanDependents'))) opts.propagationPolicy = 'Orphan';
  if (isPlainObject(body)) {
    if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (body.orphanDependents === true) opts.propagationPolicy = 'Orphan';
    if (isPlainObject(body.preconditions)) opts.preconditions = body.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) opts.dryRun = true;
  }
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw badRequest(`DeleteOptions.propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw badRequest(`DeleteOptions.gracePeriodSeconds: Invalid value: ${opts.gracePeriodSeconds}: must be greater than or equal to 0`);
  }
  return opts;
}

/** Pods terminate gracefully when a kubelet runs them; anything else goes at once (pod strategy CheckGracefulDelete). */
function gracePeriodFor(def: ResourceDef, obj: KubeObject, opts: DeleteOptions): number {
  if (def.group !== '' || def.resource !== 'pods') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

function updateFinalizers(meta: NonNullable<KubeObject['metadata']>, policy: DeleteOptions['propagationPolicy']): boolean {
  if (!policy) return false;
  const before = new Set(meta.finalizers ?? []);
  const fin = new Set(before);
  if (policy === 'Orphan') { fin.add('orphan'); fin.delete('foregroundDeletion'); }
  if (policy === 'Foreground') { fin.add('foregroundDeletion'); fin.delete('orphan'); }
  if (policy === 'Background') { fin.delete('orphan'); fin.delete('foregroundDeletion'); }
  if (fin.size === before.size && [...fin].every((f) => before.has(f))) return false;
  meta.finalizers = [...fin];
  return true;
}

/** metadata.finalizers, and for namespaces spec.finalizers (the namespace controller's "kubernetes"). */
export function hasPendingFinalizers(def: ResourceDef, obj: KubeObject): boolean {
  if ((obj.metadata?.finalizers ?? []).length > 0) return true;
  if (def.group === '' && def.resource === 'namespaces') {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    return (spec?.finalizers ?? []).length > 0;
  }
  return false;
}

export async function deleteObject(deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, opts: DeleteOptions): Promise<DeleteResult> {
  const key = objectKey(def, namespace, name);
  for (let attempt = 0; ; attempt++) {
    const kv = await deps.store.get(key);
    if (!kv) throw notFound(gr(def), name);
    const current = decodeFromStorage(def, kv);
    const meta = current.metadata ?? {};
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== meta.uid) {
      throw conflict(gr(def), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(gr(def), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`);
    }
    for (const plugin of deps.admission) {
      await plugin.admit({ operation: 'DELETE', def, namespace, name, obj: current, dryRun: opts.dryRun });
    }
    const next = clone(current);
    const nmeta = (next.metadata ??= {});
    const grace = gracePeriodFor(def, current, opts);
    const finalizersChanged = updateFinalizers(nmeta, opts.propagationPolicy);
    const hasFinalizers = hasPendingFinalizers(def, next);
    const now = deps.clock.now();
    let pending = false;
    if (grace > 0) {
      // Graceful: mark, let the kubelet stop the pod and finish with gracePeriodSeconds=0.
      const deadline = now + grace * 1000;
      const existing = nmeta.deletionTimestamp ? Date.parse(nmeta.deletionTimestamp) : Infinity;
      if (deadline < existing) nmeta.deletionTimestamp = rfc3339(deadline);
      nmeta.deletionGracePeriodSeconds = Math.min(grace, nmeta.deletionGracePeriodSeconds ?? grace);
      pending = true;
    } else if (hasFinalizers) {
      nmeta.deletionTimestamp ??= rfc3339(now);
      nmeta.deletionGracePeriodSeconds = 0;
      pending = true;
    }
    if (def.group === '' && def.resource === 'namespaces' && pending) {
      next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
    }
    try {
      if (pending) {
        const unchanged = !finalizersChanged && nmeta.deletionTimestamp === meta.deletionTimestamp &&
          nmeta.deletionGracePeriodSeconds === meta.deletionGracePeriodSeconds;
        if (unchanged || opts.dryRun) return { obj: unchanged ? current : next, deleted: false };
        const kv2 = await deps.store.update(key, encodeForStorage(def, next), kv.modRevision);
        return { obj: decodeFromStorage(def, kv2), deleted: false };
      }
      if (opts.dryRun) return { obj: current, deleted: true };
      await deps.store.delete(key, kv.modRevision);
      return { obj: current, deleted: true };
    } catch (e) {
      if (e instanceof RevisionConflictError && attempt < 10) continue;
      if (e instanceof RevisionConflictError) throw staleConflict(gr(def), name);
      if (e instanceof KeyNotFoundError) throw notFound(gr(def), name);
      throw e;
    }
  }
}
