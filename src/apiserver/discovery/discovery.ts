// API discovery: the legacy documents (/api, /apis, /apis/G, /api/v1, /apis/G/V) and aggregated
// discovery (apidiscovery.k8s.io APIGroupDiscoveryList), which kubectl asks for first: v2 from
// kubectl 1.30 on, v2beta1 before (the two versions have the same fields). A client is answered in
// the first version its Accept header names; one answered in a version it does not know would take
// the document for a legacy one and see no resources at all.
// Documents are built once per registry change and served as bytes with an ETag.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import { pathNotFound } from '../../machinery/errors.js';

export interface DiscoverySource {
  /** Groups in discovery order ('' is core), each with its served versions, preferred first. */
  groups(): Array<{ name: string; versions: string[] }>;
  resources(group: string, version: string): ResourceDef[];
}

type AggregatedVersion = 'v2' | 'v2beta1';
const AGGREGATED: Record<AggregatedVersion, string> = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
};

/** The aggregated discovery version the Accept header asks for first, if any. */
function aggregatedVersion(accept: string | undefined): AggregatedVersion | undefined {
  for (const a of (accept ?? '').split(',')) {
    const t = a.replace(/\s/g, '');
    if (t.startsWith(AGGREGATED.v2)) return 'v2';
    if (t.startsWith(AGGREGATED.v2beta1)) return 'v2beta1';
  }
  return undefined;
}

interface Doc { body: Buffer; etag: string; contentType: string }

function doc(value: unknown, contentType = 'application/json'): Doc {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32).toUpperCase()}"`, contentType };
}

function apiResource(def: ResourceDef) {
  const r: Record<string, unknown> = {
    name: def.resource, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: def.verbs,
  };
  if (def.shortNames.length) r.shortNames = def.shortNames;
  if (def.categories.length) r.categories = def.categories;
  r.storageVersionHash = createHash('sha256').update(`${def.storageGroup}/${def.storageResource}`).digest('base64').slice(0, 11);
  return r;
}

function subresourceList(def: ResourceDef) {
  return def.subresources.map((s) => {
    const r: Record<string, unknown> = { name: `${def.resource}/${s.name}`, singularName: '', namespaced: def.namespaced, kind: s.kind, verbs: s.verbs };
    // A subresource of another group names both its group and version (pods/eviction: policy/v1);
    // kubectl drain only uses eviction when the version is there.
    if ((s.group !== undefined && s.group !== def.group) || (s.version !== undefined && s.version !== def.version)) {
      r.group = s.group ?? def.group;
      r.version = s.version ?? def.version;
    }
    return r;
  });
}

function discoveredResource(def: ResourceDef) {
  const r: Record<string, unknown> = {
    resource: def.resource,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames.length) r.shortNames = def.shortNames;
  if (def.categories.length) r.categories = def.categories;
  if (def.subresources.length) {
    r.subresources = def.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? def.group, version: s.version ?? def.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}

export class Discovery {
  #cache = new Map<string, Doc>();
  constructor(private readonly source: DiscoverySource) {}

  /** Drop cached documents (a CRD came or went). */
  invalidate(): void { this.#cache.clear(); }

  #get(key: string, build: () => Doc | undefined): Doc | undefined {
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const d = build();
    if (d) this.#cache.set(key, d);
    return d;
  }

  #groupVersions(group: string, versions: string[]) {
    return {
      name: group,
      versions: versions.map((v) => ({ groupVersion: apiVersionOf(group, v), version: v })),
      preferredVersion: { groupVersion: apiVersionOf(group, versions[0] ?? ''), version: versions[0] ?? '' },
    };
  }

  #aggregated(core: boolean, version: AggregatedVersion): Doc {
    const items = this.source.groups().filter((g) => (g.name === '') === core).map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: this.source.resources(g.name, v).map(discoveredResource),
        freshness: 'Current',
      })),
    }));
    return doc({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items }, AGGREGATED[version]);
  }

  /** Serve a discovery path; returns false when the path is not a discovery path. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const parts = path.split('/').filter(Boolean);
    let d: Doc | undefined;
    const aggregated = aggregatedVersion(req.headers.accept);
    if (parts.length === 1 && parts[0] === 'api') {
      d = aggregated
        ? this.#get(`agg:api:${aggregated}`, () => this.#aggregated(true, aggregated))
        : this.#get('api', () => doc({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.socket.localAddress ? `${req.socket.localAddress}:${req.socket.localPort}` : '' }] }));
    } else if (parts.length === 1 && parts[0] === 'apis') {
      d = aggregated
        ? this.#get(`agg:apis:${aggregated}`, () => this.#aggregated(false, aggregated))
        : this.#get('apis', () => doc({ kind: 'APIGroupList', apiVersion: 'v1', groups: this.source.groups().filter((g) => g.name !== '').map((g) => this.#groupVersions(g.name, g.versions)) }));
    } else if (parts.length === 2 && parts[0] === 'api') {
      const version = parts[1] ?? '';
      d = this.#get(`api/${version}`, () => {
        const defs = this.source.resources('', version);
        if (defs.length === 0) return undefined;
        return doc({ kind: 'APIResourceList', groupVersion: version, resources: defs.flatMap((r) => [apiResource(r), ...subresourceList(r)]) });
      });
    } else if (parts.length === 2 && parts[0] === 'apis') {
      const group = parts[1] ?? '';
      d = this.#get(`apis/${group}`, () => {
        const g = this.source.groups().find((x) => x.name === group && group !== '');
        return g ? doc({ kind: 'APIGroup', apiVersion: 'v1', ...this.#groupVersions(g.name, g.versions) }) : undefined;
      });
    } else if (parts.length === 3 && parts[0] === 'apis') {
      const group = parts[1] ?? '';
      const version = parts[2] ?? '';
      d = this.#get(`apis/${group}/${version}`, () => {
        const defs = this.source.resources(group, version);
        if (defs.length === 0 || group === '') return undefined;
        return doc({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: defs.flatMap((r) => [apiResource(r), ...subresourceList(r)]) });
      });
    } else {
      return false;
    }
    if (!d) throw pathNotFound();
    if (req.headers['if-none-match'] === d.etag) {
      res.writeHead(304, { ETag: d.etag });
      res.end();
      return true;
    }
    res.writeHead(200, { 'Content-Type': d.contentType, 'Content-Length': d.body.length, ETag: d.etag, 'Cache-Control': 'public' });
    res.end(d.body);
    return true;
  }
}
