// labelSelector and fieldSelector of a list or watch, compiled once per request.
import type { ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { parseLabelSelector, matches as labelsMatch, isEverything } from '../../machinery/labels.js';
import { parseFieldSelector, matchesFields, checkSupported, requirements } from '../../machinery/fields.js';
import { fieldGettersFor } from '../../api/resources/index.js';

export interface ObjectFilter {
  readonly matchesAll: boolean;
  matches(obj: KubeObject): boolean;
  /** The same test on what `selectableOf` kept of an object. */
  matchesSelectable(s: Selectable): boolean;
}

/**
 * What selectors read of an object: its labels and every field a field selector may name, as
 * strings. Small enough to keep beside a cached object's bytes where the decoded object is not.
 */
export interface Selectable {
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string | undefined>>;
}

export function selectableOf(def: ResourceDef, obj: KubeObject): Selectable {
  const fields: Record<string, string | undefined> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
  for (const [f, get] of Object.entries(fieldGettersFor(def))) fields[f] = get(obj);
  return { labels: obj.metadata?.labels, fields };
}

export function compileFilter(def: ResourceDef, labelSelector: string, fieldSelector: string): ObjectFilter {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  const getters = fieldGettersFor(def);
  checkSupported(fields, new Set(['metadata.name', 'metadata.namespace', ...Object.keys(getters)]), def.kind);
  const labelsAll = isEverything(labels);
  const fieldsAll = requirements(fields).length === 0;
  const get = (obj: KubeObject) => (f: string): string | undefined => {
    if (f === 'metadata.name') return obj.metadata?.name ?? '';
    if (f === 'metadata.namespace') return obj.metadata?.namespace ?? '';
    return getters[f]?.(obj);
  };
  return {
    matchesAll: labelsAll && fieldsAll,
    matches: (obj) => (labelsAll || labelsMatch(labels, obj.metadata?.labels)) && (fieldsAll || matchesFields(fields, get(obj))),
    matchesSelectable: (sel) => (labelsAll || labelsMatch(labels, sel.labels)) && (fieldsAll || matchesFields(fields, (f) => sel.fields[f])),
  };
}

/** Selects everything (internal lists). */
export const matchAll: ObjectFilter = { matchesAll: true, matches: () => true, matchesSelectable: () => true };
