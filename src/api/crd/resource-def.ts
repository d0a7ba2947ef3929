// What the API server serves for a CRD: one ResourceDef per served version (discovery, routing,
// storage), and the printer columns of a version. Upstream: apiextensions-apiserver
// pkg/apiserver/customresource_discovery_controller.go (verbs, subresources, preferred version)
// and customresource_handler.go / tableconvertor (columns; `Age` when a version declares none).
import type { ResourceDef, ScalePaths, SubresourceDef, TableColumn } from '../types.js';
import { ALL_VERBS } from '../types.js';
import type { CRDColumn, CRDVersion, CustomResourceDefinition } from './types.js';
import { present } from './types.js';
import { asSchema, flag, stringList, versionsOf } from './types.js';
import { sortKubeVersions } from '../../machinery/versions.js';

/** A column of a CRD version as a Table declares it, with where its value is read. */
export interface PrinterColumn extends TableColumn {
  /** Simple JSON path into the object, e.g. `.spec.cronSpec`. */
  jsonPath: string;
}

/** The default column of a version without additionalPrinterColumns (serveDefaultColumnsIfEmpty). */
const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  format: '',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
  jsonPath: '.metadata.creationTimestamp',
};

const COLUMN_TYPES = new Set<TableColumn['type']>(['string', 'integer', 'number', 'boolean', 'date']);

function isColumnType(t: unknown): t is TableColumn['type'] {
  return typeof t === 'string' && COLUMN_TYPES.has(t as TableColumn['type']);
}

/** The versions discovery lists, highest priority first; the first is the preferred version. */
export function servedVersionsByPriority(crd: CustomResourceDefinition): string[] {
  const served = versionsOf(crd).filter((v) => v.served === true && typeof v.name === 'string').map((v) => v.name ?? '');
  return sortKubeVersions(served);
}

/**
 * One ResourceDef per served version of an accepted CRD. The preferred version is the served
 * version of highest kube priority within this CRD; when several CRDs share a group, discovery
 * prefers the highest across all of them, which the caller resolves.
 */
export function resourceDefsForCRD(crd: CustomResourceDefinition): ResourceDef[] {
  const spec = crd.spec ?? {};
  const names = present(spec.names) ? spec.names : {};
  const group = spec.group ?? '';
  const plural = names.plural ?? '';
  const kind = names.kind ?? '';
  const preferred = servedVersionsByPriority(crd)[0];
  const crdName = crd.metadata?.name ?? `${plural}.${group}`;
  const defs: ResourceDef[] = [];
  for (const v of versionsOf(crd)) {
    if (v.served !== true || typeof v.name !== 'string') continue;
    const schema = asSchema(v.schema?.openAPIV3Schema);
    const def: ResourceDef = {
      group,
      version: v.name,
      kind,
      listKind: names.listKind ?? `${kind}List`,
      resource: plural,
      singular: names.singular ?? kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: stringList(names.shortNames),
      categories: stringList(names.categories),
      verbs: [...ALL_VERBS],
      subresources: subresourcesOf(v, kind),
      storageResource: plural,
      storageGroup: group,
      storageVersion: v.storage === true,
      preferredVersion: v.name === preferred,
      crd: {
        crdName,
        schema,
        preserveUnknownFields: spec.preserveUnknownFields === true || !schema || flag(schema, 'x-kubernetes-preserve-unknown-fields'),
      },
    };
    const scale = scaleOf(v);
    if (scale) def.scale = scale;
    defs.push(def);
  }
  return defs;
}

function subresourcesOf(v: CRDVersion, kind: string): SubresourceDef[] {
  const sub = present(v.subresources) ? v.subresources : {};
  const out: SubresourceDef[] = [];
  if (present(sub.status)) out.push({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
  if (present(sub.scale)) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  return out;
}

function scaleOf(v: CRDVersion): ScalePaths | undefined {
  const scale = present(v.subresources) && present(v.subresources.scale) ? v.subresources.scale : undefined;
  if (!scale) return undefined;
  const paths: ScalePaths = { specReplicasPath: scale.specReplicasPath ?? '', statusReplicasPath: scale.statusReplicasPath ?? '' };
  if (scale.labelSelectorPath) paths.labelSelectorPath = scale.labelSelectorPath;
  return paths;
}

/**
 * The additionalPrinterColumns of `version`, or the default Age column when it declares none.
 * The Table puts a `Name` column (format "name") before these, as kube's tableconvertor does.
 */
export function printerColumnsFor(crd: CustomResourceDefinition, version: string): PrinterColumn[] {
  const v = versionsOf(crd).find((x) => x.name === version);
  const declared: CRDColumn[] = v && Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [];
  const text = (x: unknown): string => (typeof x === 'string' ? x : '');
  const columns = declared.filter((c) => present(c)).map((c): PrinterColumn => ({
    name: text(c.name),
    type: isColumnType(c.type) ? c.type : 'string',
    format: text(c.format),
    description: text(c.description),
    priority: typeof c.priority === 'number' ? c.priority : 0,
    jsonPath: text(c.jsonPath),
  }));
  return columns.length > 0 ? columns : [{ ...AGE_COLUMN }];
}
