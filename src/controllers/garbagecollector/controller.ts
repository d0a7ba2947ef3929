// The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are all
// gone, and carries out the propagation policy a client asked for when it deleted an owner:
// - Background: the API server deletes the owner at once; its dependents, now dangling, are
//   deleted here.
// - Foreground: the server keeps the owner with deletionTimestamp and the foregroundDeletion
//   finalizer; its dependents are deleted here (those that have dependents of their own, in the
//   foreground too), and once none with blockOwnerDeletion is left the finalizer is removed, which
//   lets the server delete the owner.
// - Orphan: the server keeps the owner with the orphan finalizer; its ownerReference is removed from
//   every dependent, then the finalizer.
// One work item is one object (`group/resource|namespace/name`); reconcile reads the caches, checks
// owners the cache says are missing with a live GET, and writes with uid preconditions.
import { setMaxListeners } from 'node:events';
import { createWorkQueue } from '../../client/index.js';
import type { Informer, InformerHandlers } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject, OwnerReference } from '../../machinery/object.js';
import { runWorkers, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { discoverResources } from './discovery.js';
import { Monitors, itemKey, splitItemKey, type Monitor } from './monitors.js';
import {
  AbsentOwners, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, InvalidOwnerReferenceError, UnknownOwnerKindError, classifyOwners, hasFinalizer, isDeletingDependents, ownersLookSolid,
} from './owners.js';
import { deleteWithPolicy, removeFinalizer, removeOwnerReferences, unblockOwnerReferences } from './writes.js';

export const DEFAULT_DISCOVERY_RESYNC_MS = 30_000;
/** How long the first sync of all monitors may take before collection starts anyway. */
const INITIAL_SYNC_TIMEOUT_MS = 30_000;
/** Concurrent writes while orphaning the dependents of one owner. */
const ORPHAN_CONCURRENCY = 16;
/** An owner of an unknown kind (a CRD not discovered yet, or a wrong apiVersion) is looked at again this often at most. */
const UNKNOWN_KIND_RETRY_MS = 5_000;
/** Discovery is re-read early, at most this often, when an owner of an unknown kind shows up. */
const EARLY_RESYNC_MIN_MS = 1_000;

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try { await fn(item); } catch (e) { errors.push(e); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}

/** Owner uids and blocking flags, to notice a change of ownerReferences. */
const ownerSignature = (o: Readonly<KubeObject>): string => (o.metadata?.ownerReferences ?? []).map((r) => `${r.uid}:${r.blockOwnerDeletion === true}`).join(',');

export function garbageCollectorController(ctx: ControllerContext): Controller {
  const name = 'garbagecollector';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      // One informer per resource, each watching on this signal: dozens of abort listeners are expected.
      setMaxListeners(0, signal);
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const absent = new AbsentOwners();
      const enqueue = (id: string, o: Readonly<KubeObject>) => queue.add(itemKey(id, o));

      /** Owners named by `refs` that wait for their dependents: one of theirs changed or went. */
      const enqueueWaitingOwners = (refs: readonly OwnerReference[], ns: string) => {
        for (const ref of refs) {
          const owner = monitors.cachedOwner(ref, ns);
          const m = monitors.monitorFor(ref);
          if (owner && m && isDeletingDependents(owner)) enqueue(m.id, owner);
        }
      };

      /** Whether the object needs the collector's attention (pure cache check). */
      const consider = (id: string, o: Readonly<KubeObject>) => {
        if (o.metadata?.deletionTimestamp) {
          if (hasFinalizer(o, FINALIZER_ORPHAN) || hasFinalizer(o, FINALIZER_FOREGROUND)) enqueue(id, o);
          return;
        }
        if ((o.metadata?.ownerReferences ?? []).length && !ownersLookSolid(monitors, o)) enqueue(id, o);
      };

      const handlersFor = (id: string, informer: Informer<KubeObject>): InformerHandlers<KubeObject> => ({
        add: (o) => { if (monitors.isCurrent(id, informer)) consider(id, o); },
        update: (old, o) => {
          if (!monitors.isCurrent(id, informer)) return;
          consider(id, o);
          if (ownerSignature(old) !== ownerSignature(o)) {
            const ns = o.metadata?.namespace ?? '';
            enqueueWaitingOwners([...(old.metadata?.ownerReferences ?? []), ...(o.metadata?.ownerReferences ?? [])], ns);
          }
        },
        delete: (o) => {
          if (!monitors.isCurrent(id, informer)) return;
          const uid = o.metadata?.uid;
          if (uid) {
            absent.add(uid);
            for (const d of monitors.dependentsOf(uid)) enqueue(d.monitor.id, d.obj);
          }
          enqueueWaitingOwners(o.metadata?.ownerReferences ?? [], o.metadata?.namespace ?? '');
        },
      });
      const monitors = new Monitors(ctx.informers, handlersFor);
      const ownerDeps = { monitors, client: ctx.client, absent };

      const resync = async (): Promise<void> => {
        const d = await discoverResources(ctx.client);
        const { added, removed } = monitors.apply(d);
        if (added.length || removed.length) {
          log.debug({ added: added.map((m) => m.id), removed, failed: d.failed }, 'garbage collector monitors changed');
        }
      };

      /** Orphan: drop the ownerReference to `owner` from every dependent, then the orphan finalizer. */
      const orphanDependents = async (m: Monitor, owner: Readonly<KubeObject>) => {
        const uid = owner.metadata?.uid ?? '';
        const deps = monitors.dependentsOf(uid);
        await forEachLimit(deps, ORPHAN_CONCURRENCY, (d) => removeOwnerReferences(ctx.client, d.monitor.ref, d.obj, new Set([uid])));
        log.debug({ owner: itemKey(m.id, owner), dependents: deps.length }, 'orphaned dependents');
        await removeFinalizer(ctx.client, m.ref, owner, FINALIZER_ORPHAN);
      };

      /** Foreground: dependents go first; the owner goes when no blocking dependent is left. */
      const processDeletingDependents = async (m: Monitor, owner: Readonly<KubeObject>) => {
        const uid = owner.metadata?.uid ?? '';
        const deps = monitors.dependentsOf(uid);
        const blocking = deps.filter((d) => (d.obj.metadata?.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true));
        if (blocking.length === 0) {
          log.debug({ owner: itemKey(m.id, owner) }, 'no blocking dependents left; removing foregroundDeletion');
          await removeFinalizer(ctx.client, m.ref, owner, FINALIZER_FOREGROUND);
          return;
        }
        // Dependents not yet being deleted are examined (and deleted: their owner is waiting for them).
        for (const d of deps) if (!d.obj.metadata?.deletionTimestamp) enqueue(d.monitor.id, d.obj);
      };

      /** An object with owners: delete it when none is solid (kube's attemptToDeleteItem). */
      const collect = async (m: Monitor, cached: Readonly<KubeObject>): Promise<void> => {
        if (ownersLookSolid(monitors, cached)) return;
        const ns = cached.metadata?.namespace ?? '';
        let latest: KubeObject;
        try {
          latest = await ctx.client.get(m.ref, m.ref.namespaced ? ns : '', cached.metadata?.name ?? '');
        } catch (e) {
          if (isStatusError(e) && e.code === 404) return;
          throw e;
        }
        if (latest.metadata?.uid !== cached.metadata?.uid || latest.metadata?.deletionTimestamp) return;
        const refs = latest.metadata?.ownerReferences ?? [];
        if (refs.length === 0) return;
        const { solid, dangling, waiting } = await classifyOwners(ownerDeps, refs, ns);
        const key = itemKey(m.id, latest);
        if (solid.length) {
          if (!dangling.length && !waiting.length) return;
          // Some owner still holds it: only forget the owners that are gone or waiting for it.
          log.debug({ item: key, remove: [...dangling, ...waiting].map((r) => r.uid) }, 'removing ownerReferences to absent or deleting owners');
          await removeOwnerReferences(ctx.client, m.ref, latest, new Set([...dangling, ...waiting].map((r) => r.uid)));
          return;
        }
        const uid = latest.metadata?.uid ?? '';
        if (waiting.length && monitors.dependentsOf(uid).length) {
          // An owner waits for this object, which has dependents of its own: delete it in the
          // foreground too, after unblocking its references if a dependent also waits (cycle guard).
          if (monitors.dependentsOf(uid).some((d) => isDeletingDependents(d.obj))) await unblockOwnerReferences(ctx.client, m.ref, latest);
          log.debug({ item: key }, 'deleting dependent in the foreground');
          await deleteWithPolicy(ctx.client, m.ref, latest, 'Foreground');
          return;
        }
        const policy = hasFinalizer(latest, FINALIZER_ORPHAN) ? 'Orphan' : hasFinalizer(latest, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
        log.debug({ item: key, policy, dangling: dangling.map((r) => `${r.kind}/${r.name}`) }, 'deleting object whose owners are gone');
        await deleteWithPolicy(ctx.client, m.ref, latest, policy);
      };

      let lastEarlyResync = -Infinity;
      const reconcile = async (key: string): Promise<Result | void> => {
        const { id, objKey } = splitItemKey(key);
        const m = monitors.get(id);
        const obj = m?.informer.lister.get(objKey);
        if (!m || !obj) return;
        if (obj.metadata?.deletionTimestamp) {
          if (hasFinalizer(obj, FINALIZER_ORPHAN)) await orphanDependents(m, obj);
          else if (hasFinalizer(obj, FINALIZER_FOREGROUND)) await processDeletingDependents(m, obj);
          return;
        }
        try {
          await collect(m, obj);
        } catch (e) {
          if (e instanceof InvalidOwnerReferenceError) {
            ctx.events.record(obj, 'Warning', 'OwnerRefInvalidNamespace', e.message);
            return; // retrying cannot help
          }
          if (!(e instanceof UnknownOwnerKindError)) throw e;
          // Likely a CRD created moments ago: read discovery now rather than at the next period.
          log.debug({ item: key, err: e.message }, 'owner of an unknown kind; looking again later');
          if (ctx.clock.now() - lastEarlyResync >= EARLY_RESYNC_MIN_MS) {
            lastEarlyResync = ctx.clock.now();
            await resync().catch((err: unknown) => log.debug({ err }, 'discovery failed'));
          }
          return { requeueAfterMs: Math.min(UNKNOWN_KIND_RETRY_MS, ctx.config.discoveryResyncMs ?? DEFAULT_DISCOVERY_RESYNC_MS) };
        }
      };

      // First discovery: retried until the server answers.
      for (let backoff = 500; !signal.aborted; backoff = Math.min(backoff * 2, 30_000)) {
        try { await resync(); break; } catch (e) {
          log.warn({ err: e }, 'garbage collector discovery failed; retrying');
          await ctx.clock.sleep(backoff, signal).catch(() => undefined);
        }
      }
      if (signal.aborted) return;
      const every = ctx.config.discoveryResyncMs ?? DEFAULT_DISCOVERY_RESYNC_MS;
      const periodic = (async () => {
        while (!signal.aborted) {
          await ctx.clock.sleep(every, signal).catch(() => undefined);
          if (signal.aborted) return;
          try { await resync(); } catch (e) { log.debug({ err: e }, 'garbage collector discovery resync failed'); }
        }
      })();
      // Like kube's graph sync: no decision before the caches hold the cluster (orphaning needs every dependent).
      if (!await monitors.synced(INITIAL_SYNC_TIMEOUT_MS, ctx.clock, signal) && !signal.aborted) {
        log.warn('not every garbage collector monitor synced in time; collecting anyway');
      }
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 10, reconcile, log, signal });
      await periodic;
    },
  };
}
