// The Table and PartialObjectMetadata views of objects and lists (meta.k8s.io/v1), what
// `kubectl get` asks for (Accept: application/json;as=Table;v=v1;g=meta.k8s.io).
import type { TableDef } from '../../api/types.js';
import type { KubeObject, ListMeta } from '../../machinery/object.js';
import { badRequest } from '../../machinery/errors.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(v: string | null): IncludeObject {
  if (v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw badRequest(`includeObject must be one of None, Metadata, Object; got "${v}"`);
}

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export function metadataList(items: KubeObject[], meta: ListMeta): Record<string, unknown> {
  return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: items.map(partialMetadata) };
}

export function tableOf(table: TableDef, items: KubeObject[], meta: ListMeta, include: IncludeObject, now: number, withColumns = true): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? table.columns : [],
    rows: items.map((obj) => {
      const row: Record<string, unknown> = { cells: table.row(obj, now) };
      if (include === 'Metadata') row.object = partialMetadata(obj);
      else if (include === 'Object') row.object = obj;
      return row;
    }),
  };
}
