// GET and LIST: resourceVersion semantics, label and field selectors, limit/continue paging.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { badRequest, gone, notFound, StatusError } from '../../machinery/errors.js';
import { FutureRevisionError, RevisionCompactedError } from '../../storage/types.js';
import type { RegistryDeps } from './context.js';
import { decodeFromStorage, jsonFromStorage, jsonPartsFromStorage } from './codec.js';
import { gr, listPrefix, objectKey } from './keys.js';
import { type ObjectFilter } from './filter.js';

export interface ListQuery {
  resourceVersion: string;
  resourceVersionMatch: '' | 'Exact' | 'NotOlderThan';
  limit: number;
  continueToken: string;
  filter: ObjectFilter;
  /** Return items as JSON bytes (`raw`) instead of decoded objects: no decode when nothing filters. */
  raw?: boolean;
}

export interface ListOutcome {
  items: KubeObject[];
  /** Each item's JSON as parts to write one after another (see jsonPartsFromStorage). */
  raw: Buffer[][];
  resourceVersion: string;
  continueToken: string;
  remainingItemCount?: number;
}

interface ContinueToken { v: string; rv: number; start: string }

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function parseRevision(rv: string, what = 'resourceVersion'): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw badRequest(`invalid ${what}: ${rv}`);
  return n;
}

export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 504, reason: 'Timeout',
    message: `Too large resource version: ${requested}, current: ${current}`,
    details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
  });
}

/** GET as JSON bytes (no decode when the stored version is the one asked for). */
export async function getObjectJson(deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, resourceVersion = ''): Promise<Buffer> {
  await checkResourceVersion(deps, resourceVersion);
  const kv = await deps.store.get(objectKey(def, namespace, name));
  if (!kv) throw notFound(gr(def), name);
  return jsonFromStorage(def, kv);
}

async function checkResourceVersion(deps: RegistryDeps, resourceVersion: string): Promise<void> {
  if (resourceVersion !== '' && resourceVersion !== '0') {
    const want = parseRevision(resourceVersion);
    const current = await deps.store.currentRevision();
    if (want > current) throw tooLargeResourceVersion(want, current);
  }
}

export async function getObject(deps: RegistryDeps, def: ResourceDef, namespace: string, name: string, resourceVersion = ''): Promise<KubeObject> {
  await checkResourceVersion(deps, resourceVersion);
  const kv = await deps.store.get(objectKey(def, namespace, name));
  if (!kv) throw notFound(gr(def), name);
  return decodeFromStorage(def, kv);
}

/** List at one revision, filtered, paged. Pages of a continued list are read at the first page's revision. */
export async function listObjects(deps: RegistryDeps, def: ResourceDef, namespace: string, q: ListQuery): Promise<ListOutcome> {
  let revision = 0;
  let startAfter: string | undefined;
  const prefix = listPrefix(def, namespace);
  if (q.continueToken) {
    if (q.resourceVersion !== '' && q.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const t = decodeContinue(q.continueToken);
    revision = t.rv;
    startAfter = prefix + t.start;
  } else if (q.resourceVersionMatch === 'Exact') {
    if (q.resourceVersion === '' || q.resourceVersion === '0') {
      throw badRequest(`resourceVersionMatch "Exact" is forbidden for resourceVersion "${q.resourceVersion}"`);
    }
    revision = parseRevision(q.resourceVersion);
  } else if (q.resourceVersion !== '' && q.resourceVersion !== '0') {
    const want = parseRevision(q.resourceVersion);
    const current = await deps.store.currentRevision();
    if (want > current) throw tooLargeResourceVersion(want, current);
  } else if (q.resourceVersionMatch !== '' && q.resourceVersion === '') {
    throw badRequest(`resourceVersionMatch is forbidden unless resourceVersion is provided`);
  }
  const items: KubeObject[] = [];
  const raw: Buffer[][] = [];
  const filtered = !q.filter.matchesAll;
  let more = false;
  let remaining = 0;
  let lastKey = '';
  let readAt = revision;
  // With a selector, few stored objects may match: each further fetch asks for twice as many as the
  // last (as kube-apiserver does), so a sparse match costs a few queries, not one per object.
  let fetch = q.limit;
  try {
    outer: for (;;) {
      const found = items.length + raw.length;
      const want = q.limit > 0 ? (filtered ? Math.min(Math.max(q.limit - found, fetch), 10_000) : q.limit - found) : 0;
      const page = await deps.store.list(prefix, { revision: readAt, limit: want, ...(startAfter ? { startAfter } : {}) });
      readAt = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        const kv = page.items[i]!;
        lastKey = kv.key;
        if (q.raw && !filtered) { raw.push(jsonPartsFromStorage(def, kv)); continue; }
        const obj = decodeFromStorage(def, kv);
        if (filtered && !q.filter.matches(obj)) continue;
        if (q.raw) raw.push(jsonPartsFromStorage(def, kv)); else items.push(obj);
        if (q.limit > 0 && items.length + raw.length >= q.limit && (i < page.items.length - 1 || page.more)) {
          more = true;
          break outer;
        }
      }
      more = page.more;
      remaining = page.remaining;
      if (!more || (q.limit > 0 && items.length + raw.length >= q.limit)) break;
      startAfter = lastKey;
      fetch *= 2;
    }
  } catch (e) {
    if (e instanceof RevisionCompactedError) {
      if (q.continueToken) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw gone(`too old resource version: ${revision} (${e.compacted})`);
    }
    if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(e.requested, e.current);
    throw e;
  }
  const out: ListOutcome = {
    items,
    raw,
    resourceVersion: String(readAt),
    continueToken: more ? encodeContinue(readAt, lastKey.slice(prefix.length)) : '',
  };
  if (more && !filtered) out.remainingItemCount = remaining;
  return out;
}
