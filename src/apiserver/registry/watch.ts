// WATCH: events after a resourceVersion, or the current state as ADDED events first (resourceVersion
// unset or "0"), filtered by selectors with objects moving in and out of the selection reported as
// ADDED/DELETED, as kube's watch cache does. https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { gone } from '../../machinery/errors.js';
import { RevisionCompactedError, type KeyValue, type WatchEvent as StoreEvent } from '../../storage/types.js';
import type { RegistryDeps } from './context.js';
import { decodeFromStorage, jsonFromStorage } from './codec.js';
import { listPrefix } from './keys.js';
import { selectableOf, type ObjectFilter, type Selectable } from './filter.js';
import { parseRevision, tooLargeResourceVersion } from './read.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A watch event: the object decoded, or (raw mode) the whole event line as bytes. */
export type ApiWatchEvent =
  | { type: WatchEventType; object: KubeObject; frame?: undefined; revision: number }
  | { type: WatchEventType; object?: undefined; frame: Buffer; revision: number };

// The watch cache hands every watcher of a resource the same event objects, so an event's bytes
// (`{"type":...,"object":...}` and a newline) are built once and written to every watcher, and
// selectors read what one decoding kept of the object (DESIGN.md: objects travel as bytes). Keyed
// weakly: an event leaves memory with the cache's window. A value's selectable fields live as long
// as the cache holds the value: for every object once some watch has a selector, so they are kept
// instead of the decoded object (a pod decoded is several times its bytes).
const frames = new WeakMap<StoreEvent, Map<string, Buffer>>();
// Per version served: a core/v1 Event and an events.k8s.io/v1 one select on different fields.
const selectables = new WeakMap<ResourceDef, WeakMap<KeyValue, Selectable>>();
const NEWLINE_CLOSE = Buffer.from('}\n');

function frameOf(def: ResourceDef, ev: StoreEvent, type: WatchEventType): Buffer {
  const k = `${type} ${def.group}/${def.version}`;
  let byView = frames.get(ev);
  const hit = byView?.get(k);
  if (hit) return hit;
  const frame = Buffer.concat([Buffer.from(`{"type":"${type}","object":`), jsonFromStorage(def, ev.kv), NEWLINE_CLOSE]);
  if (!byView) frames.set(ev, byView = new Map());
  byView.set(k, frame);
  return frame;
}

function selectable(def: ResourceDef, kv: KeyValue): Selectable {
  let byKv = selectables.get(def);
  if (!byKv) selectables.set(def, byKv = new WeakMap());
  let s = byKv.get(kv);
  if (!s) byKv.set(kv, s = selectableOf(def, decodeFromStorage(def, kv)));
  return s;
}

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
      if (raw) {
        const type = rawType(def, ev, filter);
        if (type) yield { type, frame: frameOf(def, ev, type), revision: ev.kv.modRevision };
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

/** The event type a watcher with `filter` sees (objects moving in or out of it are ADDED / DELETED), if any. */
function rawType(def: ResourceDef, ev: StoreEvent, filter: ObjectFilter): WatchEventType | undefined {
  const plain = ev.type === 'create' ? 'ADDED' : ev.type === 'update' ? 'MODIFIED' : 'DELETED';
  if (filter.matchesAll) return plain;
  const now = filter.matchesSelectable(selectable(def, ev.kv));
  if (ev.type !== 'update') return now ? plain : undefined;
  const before = ev.prev ? filter.matchesSelectable(selectable(def, ev.prev)) : false;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
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
