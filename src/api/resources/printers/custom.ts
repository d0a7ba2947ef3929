// Tables without a hand-written printer: kube-apiserver's default table (Name, Created At) for
// built-in kinds, and the table of a custom resource built from its CRD's additionalPrinterColumns.
// References: k8s.io/apiserver/pkg/registry/rest/table.go (defaultTableConvertor) and
// k8s.io/apiextensions-apiserver/pkg/registry/customresource/tableconvertor/tableconvertor.go.
import { rfc3339 } from '../../../machinery/object.js';
import type { TableColumn, TableDef } from '../../types.js';
import { compileJsonPath, jsonPathText, type JsonPath } from '../jsonpath.js';
import { AGE_DESCRIPTION, nameColumn, nameOf, table } from './common.js';
import { humanDuration, parseTime } from './duration.js';

/** Built-in kinds with no printer (Roles, LimitRanges, CRDs themselves): Name and an absolute creation time. */
export const defaultTable: TableDef = table([
  nameColumn,
  { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 },
], (o) => {
  const created = parseTime(o.metadata?.creationTimestamp);
  // A zero metav1.Time formats as Go's zero time in RFC 3339.
  return [nameOf(o), created === undefined ? '0001-01-01T00:00:00Z' : rfc3339(created)];
});

/** One entry of a CRD version's additionalPrinterColumns (apiextensions.k8s.io/v1 CustomResourceColumnDefinition). */
export interface PrinterColumn {
  name: string;
  type: string;            // integer, number, string, boolean, date
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A CRD version without columns is shown with an Age column (serveDefaultColumnsIfEmpty). */
const DEFAULT_CRD_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Age', type: 'date', description: AGE_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' },
];

const COLUMN_TYPES = new Set<TableColumn['type']>(['string', 'integer', 'number', 'boolean', 'date']);

/** A cell of a non-string column: the JSON value when it has the column's type, else null. */
function typedCell(type: string, value: unknown, now: number): unknown {
  switch (type) {
    case 'integer': return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number': return typeof value === 'number' ? value : null;
    case 'boolean': return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const ms = parseTime(value);
      if (ms === undefined) return '<invalid>';
      return humanDuration(now - ms);
    }
    default: return null;
  }
}

/**
 * The table of a custom resource: Name, then one column per printer column (Age alone when none).
 * A column whose JSONPath cannot be compiled yields null cells, as kube drops unreadable columns' values.
 */
export function customResourceTable(columns: readonly PrinterColumn[]): TableDef {
  const cols = columns.length > 0 ? columns : DEFAULT_CRD_COLUMNS;
  const paths: Array<JsonPath | undefined> = cols.map((c) => {
    try { return compileJsonPath(c.jsonPath); } catch { return undefined; }
  });
  const defs: TableColumn[] = [nameColumn, ...cols.map((c): TableColumn => ({
    name: c.name,
    type: COLUMN_TYPES.has(c.type as TableColumn['type']) ? (c.type as TableColumn['type']) : 'string',
    format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    priority: c.priority ?? 0,
  }))];
  return table(defs, (o, now) => [nameOf(o), ...cols.map((c, i) => {
    const found = paths[i]?.(o) ?? [];
    if (found.length === 0) return null;
    const value = found[0];
    if (c.type === 'string') return jsonPathText(value) ?? null;
    return typedCell(c.type, value, now);
  })]);
}
