// Compute resources of containers: quantity checks of requests/limits
// (pkg/apis/core/validation ValidateResourceRequirements) and the Pod QoS class
// (pkg/apis/core/helper/qos GetPodQOS). Quantities are parsed by machinery/quantity.ts.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import { tryParseQuantity } from '../../machinery/quantity.js';
import type { Obj } from './common.js';
import { items, rec } from './common.js';

/** The value of a quantity as a number (cores, bytes...), or undefined when it does not parse. */
export function quantityValue(v: unknown): number | undefined {
  return tryParseQuantity(v)?.value;
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods', 'services']);

/** Extended resources (vendor.com/gpu, hugepages) cannot be overcommitted: request must equal limit. */
function overcommittable(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || name.startsWith('requests.') || name.startsWith('limits.')
    || (name.startsWith('kubernetes.io/') && !name.startsWith('hugepages-'));
}

/** Each value of a ResourceList parses and is not negative. */
export function resourceListErrors(list: unknown, path: string): FieldError[] {
  if (list === undefined || list === null) return [];
  const o = rec(list);
  if (!o) return [field.invalid(path, list, 'must be a map of resource name to quantity')];
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(o)) {
    const p = `${path}[${name}]`;
    const value = quantityValue(q);
    if (value === undefined) errs.push(field.invalid(p, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    else if (value < 0) errs.push(field.invalid(p, q, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** ResourceRequirements of a container: quantities valid, requests not above limits. */
export function resourceRequirementsErrors(resources: unknown, path: string): FieldError[] {
  const r = rec(resources);
  if (!r) return [];
  const errs = [...resourceListErrors(r.limits, `${path}.limits`), ...resourceListErrors(r.requests, `${path}.requests`)];
  const limits = rec(r.limits) ?? {};
  const requests = rec(r.requests) ?? {};
  for (const [name, reqQ] of Object.entries(requests)) {
    const req = quantityValue(reqQ);
    const limQ = limits[name];
    const lim = quantityValue(limQ);
    if (req === undefined) continue;
    if (lim === undefined) {
      if (!overcommittable(name) && limQ === undefined) errs.push(field.forbidden(`${path}.requests`, `${name}: Limit must be set for non overcommitable resources`));
      continue;
    }
    if (!overcommittable(name) && req !== lim) {
      errs.push(field.invalid(`${path}.requests`, reqQ, `must be equal to ${name} limit of ${String(limQ)}`));
    } else if (req > lim) {
      errs.push(field.invalid(`${path}.requests`, reqQ, `must be less than or equal to ${name} limit of ${String(limQ)}`));
    }
  }
  return errs;
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

/** GetPodQOS over containers and init containers (after requests were defaulted from limits). */
export function podQOSClass(spec: Obj): QOSClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const [c] of [...items(spec.containers), ...items(spec.initContainers)]) {
    const res = rec(c.resources);
    for (const [name, q] of Object.entries(rec(res?.requests) ?? {})) {
      const v = quantityValue(q);
      if (QOS_RESOURCES.includes(name) && v !== undefined && v > 0) requests.set(name, (requests.get(name) ?? 0) + v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(rec(res?.limits) ?? {})) {
      const v = quantityValue(q);
      if (QOS_RESOURCES.includes(name) && v !== undefined && v > 0) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0) + v);
      }
    }
    if (!QOS_RESOURCES.every((n) => found.has(n))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, v] of requests) if (limits.get(name) !== v) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
