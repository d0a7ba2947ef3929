// WATCH: events after a resourceVersion, or the current state as ADDED events first (resourceVersion
// unset or "0"), filtered by selectors with objects moving in and out of the selection reported as
// ADDED/DELETED, as kube's watch cache does. https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { gone } from '../../machinery/errors.js';
import { RevisionCompactedError, type WatchEvent as StoreEvent } from '../../storage/types.js';
import type { RegistryDeps } from './context.js';
import { decodeFromStorage, jsonFromStorage } from './codec.js';
import { listPrefix } from './keys.js';
import type { ObjectFilter } from './filter.js';
import { parseRevision, tooLargeResourceVersion } from './read.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A watch event: the object decoded, or (raw mode, nothing to filter) its JSON bytes only. */
export type ApiWatchEvent =
  | { type: WatchEventType; object: KubeObject; raw?: undefined; revision: number }
  | { type: WatchEventType; object?: undefined; raw: Buffer; revision: number };

export interface WatchQuery {
  resourceVersion: string;
  resourceVersionMatch: string;
  sendInitialEvents: boolean | undefined;
  filter: ObjectFilter;
}

/** Where a watch starts, and whether it first replays the current state. */
export interface WatchStart { fromRevision: number; initial: KubeObject[]; initialEventsEnd: boolean }

export async function startWatch(deps: RegistryDeps, def: ResourceDef, namespace: string, q: WatchQuery): Promise<WatchStart> {
  const rv = q.resourceVersion;
  const replay = q.sendInitialEvents ?? (rv === '' || rv === '0');
  if (!replay) {
    const from = rv === '' || rv === '0' ? await deps.store.currentRevision() : parseRevision(rv);
    const current = await deps.store.currentRevision();
    if (from > current) throw tooLargeResourceVersion(from, current);
    return { fromRevision: from, initial: [], initialEventsEnd: false };
  }
  const page = await deps.store.list(listPrefix(def, namespace));
  const initial: KubeObject[] = [];
  for (const kv of page.items) {
    const obj = decodeFromStorage(def, kv);
    if (q.filter.matchesAll || q.filter.matches(obj)) initial.push(obj);
  }
  return { fromRevision: page.revision, initial, initialEventsEnd: q.sendInitialEvents === true };
}

/** Translate store events into API watch events for one resource version and filter. */
export async function* watchEvents(
  deps: RegistryDeps, def: ResourceDef, namespace: string, fromRevision: number, filter: ObjectFilter, signal: AbortSignal,
  raw = false,
): AsyncGenerator<ApiWatchEvent> {
  let iterable: AsyncIterable<StoreEvent>;
  try {
    iterable = deps.store.watch(listPrefix(def, namespace), fromRevision, signal);
  } catch (e) {
    if (e instanceof RevisionCompactedError) throw gone(`too old resource version: ${fromRevision} (${e.compacted})`);
    throw e;
  }
  try {
    for await (const ev of iterable) {
      if (raw && filter.matchesAll) {
        const type = ev.type === 'create' ? 'ADDED' : ev.type === 'update' ? 'MODIFIED' : 'DELETED';
        yield { type, raw: jsonFromStorage(def, ev.kv), revision: ev.kv.modRevision };
        continue;
      }
      const out = translate(def, ev, filter);
      if (out) yield out;
    }
  } catch (e) {
    if (e instanceof RevisionCompactedError) throw gone(`too old resource version: ${fromRevision} (${e.compacted})`);
    throw e;
  }
}

function translate(def: ResourceDef, ev: StoreEvent, filter: ObjectFilter): ApiWatchEvent | undefined {
  const revision = ev.kv.modRevision;
  if (ev.type === 'delete') {
    const obj = decodeFromStorage(def, ev.kv, revision);
    return filter.matchesAll || filter.matches(obj) ? { type: 'DELETED', object: obj, revision } : undefined;
  }
  const obj = decodeFromStorage(def, ev.kv);
  if (filter.matchesAll) return { type: ev.type === 'create' ? 'ADDED' : 'MODIFIED', object: obj, revision };
  const now = filter.matches(obj);
  const before = ev.type === 'update' && ev.prev ? filter.matches(decodeFromStorage(def, ev.prev)) : false;
  if (now && before) return { type: 'MODIFIED', object: obj, revision };
  if (now) return { type: 'ADDED', object: obj, revision };
  if (before) return { type: 'DELETED', object: obj, revision };
  return undefined;
}
