// Conversion between the version a client speaks and the version stored. Most resources are
// served in one version only (identity). Two are not: autoscaling HPAs (stored as v2, served as v1
// and v2) and Events (stored as core/v1, served as events.k8s.io/v1 too).
import type { ResourceDef } from './types.js';
import { apiVersionOf } from './types.js';
import type { KubeObject } from '../machinery/object.js';
import { hpaV1ToV2, hpaV2ToV1, eventCoreToEventsV1, eventsV1ToCore } from './strategies/index.js';

interface Converter { toStorage(o: KubeObject): KubeObject; fromStorage(o: KubeObject): KubeObject }

/** Keyed by `${group}/${version}/${kind}` of the served (non-storage) version. */
const converters: Record<string, Converter> = {
  'autoscaling/v1/HorizontalPodAutoscaler': { toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
  'events.k8s.io/v1/Event': { toStorage: eventsV1ToCore, fromStorage: eventCoreToEventsV1 },
};

function converterFor(def: ResourceDef): Converter | undefined {
  return def.storageVersion ? undefined : converters[`${def.group}/${def.version}/${def.kind}`];
}

export function convertFromStorage(def: ResourceDef, stored: KubeObject): KubeObject {
  const c = converterFor(def);
  const out = c ? c.fromStorage(stored) : stored;
  out.apiVersion = apiVersionOf(def.group, def.version);
  out.kind = def.kind;
  return out;
}

export function convertToStorage(def: ResourceDef, obj: KubeObject): KubeObject {
  const c = converterFor(def);
  return c ? c.toStorage(obj) : obj;
}
