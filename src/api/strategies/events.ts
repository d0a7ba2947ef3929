// Events are stored as core/v1 and served as events.k8s.io/v1 too (pkg/apis/events/v1/conversion.go):
// the two differ in field names only. Validation of the events.k8s.io form is that API's stricter one
// (pkg/apis/core/validation/events.go ValidateEventCreate for the new group).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import { checkFormat, defineStrategy, inRange, isQualifiedName, oneOf, rec, str } from './common.js';

/** [core/v1 name, events.k8s.io/v1 name] for fields that only change name. */
const RENAMED: ReadonlyArray<readonly [string, string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

const SAME = ['metadata', 'reason', 'type', 'eventTime', 'series', 'action', 'related', 'reportingInstance'];

function convert(obj: KubeObject, apiVersion: string, pairs: ReadonlyArray<readonly [string, string]>): KubeObject {
  const src = structuredClone(obj) as Obj;
  const out: KubeObject = { apiVersion, kind: 'Event' };
  for (const k of SAME) if (src[k] !== undefined && src[k] !== null) out[k] = src[k];
  for (const [from, to] of pairs) if (src[from] !== undefined && src[from] !== null) out[to] = src[from];
  return out;
}

/** core/v1 Event (stored) → events.k8s.io/v1. */
export function eventCoreToEventsV1(obj: KubeObject): KubeObject {
  return convert(obj, 'events.k8s.io/v1', RENAMED);
}

/** events.k8s.io/v1 Event → core/v1 (stored). */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  return convert(obj, 'v1', RENAMED.map(([core, events]) => [events, core] as const));
}

const NOTE_LIMIT = 1024;
const NAME_LIMIT = 128;

function boundedRequired(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || v === '') return [field.required(path, '')];
  return v.length > NAME_LIMIT ? [field.tooLong(path, NAME_LIMIT)] : [];
}

/** The events.k8s.io/v1 rules for a new event: who reported it, when, and what happened. */
export function validateEventsV1(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ev.eventTime)) errs.push(field.required('eventTime', ''));
  if (!str(ev.reportingController)) errs.push(field.required('reportingController', ''));
  else errs.push(...checkFormat(ev.reportingController, 'reportingController', isQualifiedName));
  errs.push(...boundedRequired(ev.reportingInstance, 'reportingInstance'));
  errs.push(...boundedRequired(ev.action, 'action'));
  errs.push(...boundedRequired(ev.reason, 'reason'));
  errs.push(...oneOf(ev.type, 'type', ['Normal', 'Warning']));
  if (typeof ev.note === 'string' && Buffer.byteLength(ev.note) > NOTE_LIMIT) errs.push(field.tooLong('note', NOTE_LIMIT));
  const series = rec(ev.series);
  if (series) {
    errs.push(...inRange(series.count, 'series.count', 2, 2147483647));
    if (!str(series.lastObservedTime)) errs.push(field.required('series.lastObservedTime', ''));
  }
  const regarding = rec(ev.regarding);
  const ns = str(rec(ev.metadata)?.namespace) ?? '';
  const regardingNs = str(regarding?.namespace) ?? '';
  if (regardingNs && regardingNs !== ns) errs.push(field.invalid('regarding.namespace', regardingNs, 'does not match event.namespace'));
  return errs;
}

/** Strategy for events.k8s.io/v1 objects as the client sent them (before conversion to core/v1). */
export const eventsV1Strategy: KindStrategy = defineStrategy({ validate: validateEventsV1 });
