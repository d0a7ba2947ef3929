// Serves what CustomResourceDefinitions define: keeps the resource registry, discovery, tables and
// the OpenAPI documents in step with the stored CRDs, and removes a deleted CRD's objects
// (apiextensions-apiserver's crdHandler, establishing and finalizer controllers, folded into one resync).
import type { Logger } from 'pino';
import type { ResourceDef, TableDef } from '../api/types.js';
import type { ResourceRegistry } from '../api/resources/index.js';
import { customResourceTable } from '../api/resources/index.js';
import {
  openapiResourcesForCRD, openapiSchemasForCRD, printerColumnsFor, resourceDefsForCRD, type CustomResourceDefinition,
} from '../api/crd/index.js';
import { registerExtraSchemas, unregisterExtraSchemas, type OpenAPIResource } from '../api/openapi/index.js';
import type { RegistryDeps } from './registry/context.js';
import { listObjects } from './registry/read.js';
import { resourcePrefix } from './registry/keys.js';
import { matchAll } from './registry/filter.js';

interface Served {
  rv: string;
  defs: ResourceDef[];
  /** Per OpenAPI group-version path: this CRD's definitions and resources there. */
  openapi: Map<string, { schemas: Record<string, object>; resources: OpenAPIResource[] }>;
}

export interface CrdManagerOptions {
  deps: RegistryDeps;
  registry: ResourceRegistry;
  log: Logger;
  onChange: () => void;
}

export class CrdManager {
  #served = new Map<string, Served>();
  #tables = new WeakMap<ResourceDef, TableDef>();
  #running: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CrdManagerOptions) {}

  /** The Table of a custom resource: its additionalPrinterColumns. */
  tableFor(def: ResourceDef): TableDef | undefined {
    return this.#tables.get(def);
  }

  /** Bring served resources in line with stored CRDs. Calls are serialised. */
  resync(): Promise<void> {
    this.#running = this.#running.then(() => this.#resync(), () => this.#resync());
    return this.#running;
  }

  async #resync(): Promise<void> {
    const { deps, registry, log } = this.opts;
    const crdDef = registry.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (!crdDef) return;
    const all = await listObjects(deps, crdDef, '', { resourceVersion: '', resourceVersionMatch: '', limit: 0, continueToken: '', filter: matchAll });
    const seen = new Set<string>();
    const touchedPaths = new Set<string>();
    for (const obj of all.items) {
      const crd = obj as CustomResourceDefinition;
      const name = crd.metadata?.name ?? '';
      if (crd.metadata?.deletionTimestamp) continue;
      seen.add(name);
      const rv = crd.metadata?.resourceVersion ?? '';
      if (this.#served.get(name)?.rv === rv) continue;
      for (const p of this.#unserve(name)) touchedPaths.add(p);
      try {
        const defs = resourceDefsForCRD(crd);
        for (const d of defs) {
          registry.add(d);
          this.#tables.set(d, customResourceTable(printerColumnsFor(crd, d.version)));
        }
        const schemas = openapiSchemasForCRD(crd);
        const resources = openapiResourcesForCRD(crd);
        const openapi = new Map(Object.entries(schemas).map(([path, s]) => [path, { schemas: s as Record<string, object>, resources: resources[path] ?? [] }]));
        for (const p of openapi.keys()) touchedPaths.add(p);
        this.#served.set(name, { rv, defs, openapi });
      } catch (e) {
        log.warn({ err: e, crd: name }, 'cannot serve CustomResourceDefinition');
      }
    }
    const removed: ResourceDef[] = [];
    for (const name of [...this.#served.keys()]) {
      if (seen.has(name)) continue;
      const def = this.#served.get(name)?.defs[0];
      for (const p of this.#unserve(name)) touchedPaths.add(p);
      if (def) removed.push(def);
    }
    this.#publishOpenApi(touchedPaths);
    if (touchedPaths.size > 0 || removed.length > 0) this.opts.onChange();
    for (const def of removed) await this.#deleteInstances(def);
  }

  /** Several CRDs can share a group-version: its OpenAPI document is the union of theirs. */
  #publishOpenApi(paths: Set<string>): void {
    for (const path of paths) {
      const schemas: Record<string, object> = {};
      const resources: OpenAPIResource[] = [];
      for (const served of this.#served.values()) {
        const part = served.openapi.get(path);
        if (!part) continue;
        Object.assign(schemas, part.schemas);
        resources.push(...part.resources);
      }
      if (Object.keys(schemas).length > 0) registerExtraSchemas(path, schemas, resources);
      else unregisterExtraSchemas(path);
    }
  }

  /** Stops serving a CRD's resources; returns the OpenAPI paths it had. */
  #unserve(name: string): string[] {
    const served = this.#served.get(name);
    if (!served) return [];
    for (const d of served.defs) this.opts.registry.remove(d.group, d.version, d.resource);
    this.#served.delete(name);
    return [...served.openapi.keys()];
  }

  /** A deleted CRD takes its objects with it. */
  async #deleteInstances(def: ResourceDef): Promise<void> {
    const { store } = this.opts.deps;
    const page = await store.list(resourcePrefix(def));
    for (const kv of page.items) {
      try { await store.delete(kv.key); } catch { /* already gone */ }
    }
  }
}
