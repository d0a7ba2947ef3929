// Watch over HTTP: a chunked stream of JSON watch events, one per line, with bookmarks and a timeout.
// Errors after the stream started are sent as an ERROR event carrying a Status (410 Expired for a
// compacted resourceVersion), as kube-apiserver does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { badRequest } from '../../machinery/errors.js';
import type { Negotiated } from '../http/negotiate.js';
import { toStatusError } from '../http/respond.js';
import { isTrue } from '../../machinery/parse-bool.js';
import { compileFilter } from '../registry/filter.js';
import { startWatch, watchEvents, type WatchEventType } from '../registry/watch.js';
import type { HandlerContext } from './context.js';
import { parseIncludeObject, partialMetadata, tableOf } from './views.js';

function boolParam(v: string | null): boolean | undefined {
  if (v === null || v === '') return undefined;
  return isTrue(v);
}

export async function serveWatch(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, def: ResourceDef, ns: string, name: string, query: URLSearchParams, neg: Negotiated): Promise<void> {
  let fieldSelector = query.get('fieldSelector') ?? '';
  if (name) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${name}` : `metadata.name=${name}`;
  const filter = compileFilter(def, query.get('labelSelector') ?? '', fieldSelector);
  const bookmarks = boolParam(query.get('allowWatchBookmarks')) === true;
  const sendInitialEvents = boolParam(query.get('sendInitialEvents'));
  if (sendInitialEvents !== undefined && query.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan');
  }
  if (sendInitialEvents === true && !bookmarks) {
    throw badRequest('allowWatchBookmarks: Forbidden: allowWatchBookmarks must be set to true when sendInitialEvents is true');
  }
  const timeoutParam = Number(query.get('timeoutSeconds') ?? '0');
  // kube picks a random timeout between the minimum request timeout and twice that (30..60 min).
  const timeoutSeconds = timeoutParam > 0 ? timeoutParam : 1800 + Math.floor(Math.random() * 1800);
  const include = parseIncludeObject(query.get('includeObject'));
  const start = await startWatch(ctx.deps, def, ns, {
    resourceVersion: query.get('resourceVersion') ?? '', resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
    sendInitialEvents, filter,
  });

  const abort = new AbortController();
  res.writeHead(200, { 'Content-Type': neg.view === 'object' ? 'application/json' : 'application/json;as=Table;v=v1;g=meta.k8s.io', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let first = true;
  let lastRevision = start.fromRevision;
  const render = (obj: KubeObject): unknown => {
    if (neg.view === 'table') {
      const t = tableOf(ctx.tableFor(def), [obj], { resourceVersion: obj.metadata?.resourceVersion ?? '' }, include, ctx.deps.clock.now(), first);
      first = false;
      return t;
    }
    if (neg.view === 'metadata') return partialMetadata(obj);
    return obj;
  };
  // Events produced in one turn of the event loop go out as one chunk: one TLS record and one
  // syscall for a burst instead of one per event (a busy watch stream otherwise falls behind).
  let pending: Buffer[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending.length === 0 || res.destroyed) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    res.write(chunk);
  };
  const sendFrame = (frame: Buffer): void => {
    pending.push(frame);
    if (!flushScheduled) { flushScheduled = true; setImmediate(flush); }
  };
  const send = (type: WatchEventType, object: unknown): void => {
    sendFrame(Buffer.from(`{"type":"${type}","object":${JSON.stringify(object)}}\n`));
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const meta: Record<string, unknown> = { resourceVersion: String(lastRevision) };
    if (annotations) meta.annotations = annotations;
    send('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def.group, def.version), metadata: meta });
  };
  const stop = () => abort.abort();
  req.on('close', stop);
  res.on('close', stop);
  const timeout = setTimeout(stop, timeoutSeconds * 1000);
  const ticker = bookmarks ? setInterval(() => bookmark(), ctx.bookmarkIntervalSeconds * 1000) : undefined;
  try {
    for (const obj of start.initial) send('ADDED', render(obj));
    if (start.initialEventsEnd) bookmark({ 'k8s.io/initial-events-end': 'true' });
    const raw = neg.view === 'object';
    for await (const ev of watchEvents(ctx.deps, def, ns, start.fromRevision, filter, abort.signal, raw)) {
      lastRevision = ev.revision;
      if (ev.frame) sendFrame(ev.frame);
      else send(ev.type, render(ev.object));
      if (res.writableNeedDrain) {
        // Back-pressure: wait for the socket to drain rather than buffering without bound.
        await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
      }
    }
  } catch (e) {
    if (!abort.signal.aborted) send('ERROR', toStatusError(e).status);
  } finally {
    clearTimeout(timeout);
    if (ticker) clearInterval(ticker);
    req.off('close', stop);
    flush();
    res.end();
  }
}
