// Small pieces every printer uses: safe readers over plain JSON objects, the shared columns and
// the cell formats of kube's printers (labels, selectors, container lists).
// Reference: kubernetes pkg/printers/internalversion/printers.go.
import type { KubeObject } from '../../../machinery/object.js';
import { isPlainObject } from '../../../machinery/object.js';
import type { TableColumn, TableDef } from '../../types.js';
import { since } from './duration.js';

export type Obj = Record<string, unknown>;

const EMPTY: Obj = Object.freeze({});

/** The object at `path` below `v`, or an empty object when any step is missing. */
export function obj(v: unknown, ...path: string[]): Obj {
  let cur: unknown = v;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return isPlainObject(cur) ? cur : EMPTY;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function bool(v: unknown): boolean {
  return v === true;
}

/** A Go-style optional int32 (`*int32`): the number or undefined. */
export function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function nameOf(o: KubeObject): string {
  return o.metadata?.name ?? '';
}

export function ageOf(o: KubeObject, now: number): string {
  return since(o.metadata?.creationTimestamp, now);
}

/** Column descriptions are ours (kubectl does not display them); names, types and priorities are kube's. */
export function column(name: string, description: string, opts: { type?: TableColumn['type']; priority?: number } = {}): TableColumn {
  return { name, type: opts.type ?? 'string', format: '', description, priority: opts.priority ?? 0 };
}

export const NAME_DESCRIPTION = 'Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds).';
export const AGE_DESCRIPTION = 'Time since the object was created (metadata.creationTimestamp).';

export const nameColumn: TableColumn = { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 };
export const ageColumn: TableColumn = column('Age', AGE_DESCRIPTION);

export const containersColumn = column('Containers', 'Names of each container in the template.', { priority: 1 });
export const imagesColumn = column('Images', 'Images referenced by each container in the template.', { priority: 1 });

/** Names and images of a pod spec's containers, each comma-joined (layoutContainerCells). */
export function containerCells(podSpec: Obj): [string, string] {
  const containers = arr(podSpec['containers']).map((c) => obj(c));
  return [containers.map((c) => str(c['name'])).join(','), containers.map((c) => str(c['image'])).join(',')];
}

/** labels.FormatLabels: sorted `k=v` pairs joined by commas, "<none>" when empty. */
export function formatLabels(m: unknown): string {
  const o = obj(m);
  const keys = Object.keys(o).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${str(o[k])}`).join(',');
}

/**
 * The string form of a metav1.LabelSelector (LabelSelectorAsSelector(...).String()): requirements
 * sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. Undefined when the selector is
 * invalid; '' when it is absent or selects everything.
 */
export function labelSelectorString(sel: unknown): string | undefined {
  if (!isPlainObject(sel)) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(obj(sel['matchLabels']))) reqs.push({ key: k, text: `${k}=${str(v)}` });
  for (const e of arr(sel['matchExpressions'])) {
    const expr = obj(e);
    const key = str(expr['key']);
    const values = [...new Set(arr(expr['values']).map(str))].sort();
    switch (expr['operator']) {
      case 'In': if (values.length === 0) return undefined; reqs.push({ key, text: `${key} in (${values.join(',')})` }); break;
      case 'NotIn': if (values.length === 0) return undefined; reqs.push({ key, text: `${key} notin (${values.join(',')})` }); break;
      case 'Exists': reqs.push({ key, text: key }); break;
      case 'DoesNotExist': reqs.push({ key, text: `!${key}` }); break;
      default: return undefined;
    }
  }
  // Stable sort by key keeps matchLabels before expressions on the same key, as kube does.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: "<none>" for empty, "<error>" for invalid selectors. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** "kind/name" of an object's controller owner reference, lower-cased group kind: `statefulset.apps/web`. */
export function controllerName(o: KubeObject): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  if (!ref.kind) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

/** A quantity as the printers show it (the stored canonical string); "0" when absent. */
export function quantity(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return '0';
}

/** Build a TableDef from columns and a row function; freezes the columns so tables can be shared. */
export function table(columns: TableColumn[], row: TableDef['row']): TableDef {
  return Object.freeze({ columns: Object.freeze(columns.map((c) => Object.freeze(c))) as TableColumn[], row });
}
