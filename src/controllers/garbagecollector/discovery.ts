// Which resources the server serves, for controllers that act on every kind (garbage collector,
// namespace deleter, the disruption controller's scale lookup): client-go's
// ServerPreferredResources over aggregated discovery (apidiscovery.k8s.io/v2, two requests), with
// the legacy per-group-version documents as a fallback. Per group, the preferred version's
// resources come first; a resource only served in another version is added from that version,
// as discovery.ServerPreferredResources does. Subresources are not resources here.
import type { ApiClient, ResourceRef } from '../../client/types.js';

export interface DiscoveredResource extends ResourceRef {
  readonly verbs: readonly string[];
  /** Names of its subresources: status, scale, ... */
  readonly subresources: readonly string[];
}

export interface DiscoveryResult {
  readonly resources: readonly DiscoveredResource[];
  /** Groups (or documents) whose discovery failed: their resources are missing from `resources`. */
  readonly failed: readonly { group: string; message: string }[];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9';

interface AggregatedResource { resource?: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[]; subresources?: { subresource?: string }[] }
interface AggregatedVersion { version?: string; resources?: AggregatedResource[] }
interface AggregatedGroup { metadata?: { name?: string }; versions?: AggregatedVersion[] }
interface LegacyResource { name?: string; kind?: string; namespaced?: boolean; verbs?: string[] }

async function getJson(client: ApiClient, path: string, accept = 'application/json'): Promise<{ json: unknown; contentType: string }> {
  const res = await client.raw('GET', path, undefined, { Accept: accept });
  if (res.status < 200 || res.status > 299) throw new Error(`GET ${path}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  const ct = res.headers['content-type'];
  return { json: JSON.parse(res.body.toString('utf8')), contentType: Array.isArray(ct) ? ct.join(',') : ct ?? '' };
}

/** Adds `group`'s resources, versions in preference order, each resource name once. */
function addGroup(out: DiscoveredResource[], group: string, versions: readonly { version: string; resources: readonly Omit<DiscoveredResource, 'group' | 'version'>[] }[]): void {
  const seen = new Set<string>();
  for (const v of versions) {
    for (const r of v.resources) {
      if (!r.resource || r.resource.includes('/') || seen.has(r.resource)) continue;
      seen.add(r.resource);
      out.push(Object.freeze({
        group, version: v.version, resource: r.resource, kind: r.kind, namespaced: r.namespaced,
        verbs: Object.freeze([...r.verbs]), subresources: Object.freeze([...r.subresources]),
      }));
    }
  }
}

function fromAggregated(list: unknown, out: DiscoveredResource[]): void {
  const items = (list as { items?: AggregatedGroup[] }).items ?? [];
  for (const g of items) {
    addGroup(out, g.metadata?.name ?? '', (g.versions ?? []).map((v) => ({
      version: v.version ?? '',
      resources: (v.resources ?? []).map((r) => ({
        resource: r.resource ?? '', kind: r.responseKind?.kind ?? '', namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [],
        subresources: (r.subresources ?? []).map((x) => x.subresource ?? '').filter(Boolean),
      })),
    })));
  }
}

function legacyResources(doc: unknown): Omit<DiscoveredResource, 'group' | 'version'>[] {
  const all = (doc as { resources?: LegacyResource[] }).resources ?? [];
  // Subresources are listed as "resource/sub" entries of their own.
  const subs = new Map<string, string[]>();
  for (const r of all) {
    const [res, sub] = (r.name ?? '').split('/');
    if (res && sub) subs.set(res, [...(subs.get(res) ?? []), sub]);
  }
  return all.map((r) => ({
    resource: r.name ?? '', kind: r.kind ?? '', namespaced: r.namespaced === true, verbs: r.verbs ?? [], subresources: subs.get(r.name ?? '') ?? [],
  }));
}

async function legacy(client: ApiClient, out: DiscoveredResource[], failed: { group: string; message: string }[]): Promise<void> {
  try {
    addGroup(out, '', [{ version: 'v1', resources: legacyResources((await getJson(client, '/api/v1')).json) }]);
  } catch (e) {
    failed.push({ group: '', message: (e as Error).message });
  }
  const groups = ((await getJson(client, '/apis')).json as { groups?: { name?: string; versions?: { version?: string }[]; preferredVersion?: { version?: string } }[] }).groups ?? [];
  await Promise.all(groups.map(async (g) => {
    const name = g.name ?? '';
    const preferred = g.preferredVersion?.version;
    const versions = (g.versions ?? []).map((v) => v.version ?? '').filter(Boolean)
      .sort((a, b) => (a === preferred ? -1 : b === preferred ? 1 : 0));
    try {
      const docs = await Promise.all(versions.map(async (v) => ({ version: v, resources: legacyResources((await getJson(client, `/apis/${name}/${v}`)).json) })));
      addGroup(out, name, docs);
    } catch (e) {
      failed.push({ group: name, message: (e as Error).message });
    }
  }));
}

/** Every served resource at its preferred version. Rejects only when nothing could be discovered. */
export async function discoverResources(client: ApiClient): Promise<DiscoveryResult> {
  const out: DiscoveredResource[] = [];
  const failed: { group: string; message: string }[] = [];
  let aggregated = true;
  for (const path of ['/api', '/apis']) {
    try {
      const { json, contentType } = await getJson(client, path, AGGREGATED);
      if (!contentType.includes('apidiscovery.k8s.io') && (json as { kind?: string }).kind !== 'APIGroupDiscoveryList') { aggregated = false; break; }
      fromAggregated(json, out);
    } catch (e) {
      failed.push({ group: path === '/api' ? '' : '*', message: (e as Error).message });
    }
  }
  if (!aggregated) {
    out.length = 0;
    failed.length = 0;
    await legacy(client, out, failed);
  }
  if (out.length === 0) throw new Error(`discovery failed: ${failed.map((f) => f.message).join('; ') || 'no resources served'}`);
  return { resources: out, failed };
}

export const hasVerbs = (r: DiscoveredResource, ...verbs: string[]): boolean => verbs.every((v) => r.verbs.includes(v));

/** "group/Kind": the key for lookups by an ownerReference's kind (any version of the group). */
export function groupKindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** The group of an apiVersion: `apps/v1` → `apps`, `v1` → ''. */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
