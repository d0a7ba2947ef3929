// Which KindStrategy runs for a resource: the built-in table, the CRD strategy, or the schema-driven
// strategy of a custom resource.
import type { KindStrategy, ResourceDef } from '../api/types.js';
import { strategies, validateNameFormat, nameIsDNSSubdomain } from '../api/strategies/index.js';
import {
  applySchemaDefaults, defaultCRD, prepareCRDStatus, validateAgainstSchema, validateCRD, validateCRDUpdate,
  type CustomResourceDefinition,
} from '../api/crd/index.js';
import type { Clock } from '../machinery/clock.js';

function crdStrategy(clock: Clock): KindStrategy {
  const asCrd = (o: unknown) => o as CustomResourceDefinition;
  return {
    default: (o) => { defaultCRD(asCrd(o)); },
    validateCreate: (o) => validateCRD(asCrd(o)),
    validateUpdate: (o, old) => validateCRDUpdate(asCrd(o), asCrd(old)),
    // kube fills status (storedVersions among it) before validating.
    prepareForCreate: (o) => { prepareCRDStatus(asCrd(o), clock.now()); },
    prepareForUpdate: (o, old) => { prepareCRDStatus(asCrd(o), clock.now(), asCrd(old)); },
  };
}

function customResourceStrategy(def: ResourceDef): KindStrategy {
  const schema = def.crd?.schema;
  const hasStatus = def.subresources.some((s) => s.name === 'status');
  return {
    default: (o) => { if (schema) applySchemaDefaults(o, schema); },
    validateCreate: (o) => [...validateNameFormat(o, nameIsDNSSubdomain), ...(schema ? validateAgainstSchema(o, schema) : [])],
    validateUpdate: (o) => (schema ? validateAgainstSchema(o, schema) : []),
    prepareForCreate: (o) => { if (hasStatus) delete o.status; },
  };
}

export function strategyResolver(clock: Clock): (def: ResourceDef) => KindStrategy | undefined {
  const crd = crdStrategy(clock);
  const custom = new WeakMap<ResourceDef, KindStrategy>();
  return (def) => {
    if (def.crd) {
      let s = custom.get(def);
      if (!s) { s = customResourceStrategy(def); custom.set(def, s); }
      return s;
    }
    if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') return crd;
    return (strategies as Readonly<Record<string, KindStrategy>>)[`${def.group}/${def.kind}`];
  };
}
