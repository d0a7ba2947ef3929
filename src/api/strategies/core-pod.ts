// The Pod strategy: pkg/registry/core/pod/strategy.go with defaults from pkg/apis/core/v1/defaults.go
// and the update rules of ValidatePodUpdate (a pod's spec is fixed once created, apart from a few
// fields the kubelet can apply in place).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import { child, deepEqual, defineStrategy, items, keepStatus, num, rec, str } from './common.js';
import { defaultPod } from './pod-defaults.js';
import { validatePodSpec } from './pod-validation.js';
import { podQOSClass } from './resources.js';

/** kube's wording, which users and tools grep for. */
export const POD_UPDATE_FORBIDDEN = 'pod updates may not change fields other than `spec.containers[*].image`,'
  + '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),'
  + '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Paths below `path` where a and b differ, for the diff kube appends to the message. */
function changedPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b) || out.length >= 10) return;
  const ao = rec(a);
  const bo = rec(b);
  if (ao && bo) {
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) changedPaths(ao[k], bo[k], `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => changedPaths(x, b[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`${path}: ${JSON.stringify(b ?? null)} -> ${JSON.stringify(a ?? null)}`);
}

function tolerationKey(t: Obj): string {
  return JSON.stringify([t.key ?? '', t.operator ?? 'Equal', t.value ?? '', t.effect ?? '']);
}

/** validateOnlyAddedTolerations: existing tolerations stay, only tolerationSeconds may shrink. */
function tolerationUpdateErrors(now: unknown, before: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const current = items(now).map(([t]) => t);
  for (const [old] of items(before)) {
    const match = current.find((t) => tolerationKey(t) === tolerationKey(old));
    if (!match) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      continue;
    }
    const oldSecs = num(old.tolerationSeconds);
    const newSecs = num(match.tolerationSeconds);
    if (oldSecs !== undefined && (newSecs === undefined || newSecs > oldSecs)) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
    }
  }
  return errs;
}

/** ValidatePodUpdate (spec part): mutable fields are checked, then copied from the old spec and the rest compared. */
export function validatePodSpecUpdate(nowValue: unknown, beforeValue: unknown): FieldError[] {
  const now = rec(nowValue) ?? {};
  const before = rec(beforeValue) ?? {};
  const errs: FieldError[] = [];
  const munged: Obj = structuredClone(now);
  for (const kind of ['containers', 'initContainers']) {
    const oldList = items(before[kind]);
    const newList = items(munged[kind]);
    if (oldList.length !== newList.length) continue; // the comparison below reports it
    newList.forEach(([c, i]) => {
      const old = oldList[i]?.[0];
      if (old) c.image = old.image;
    });
  }
  const ads = num(now.activeDeadlineSeconds);
  const oldAds = num(before.activeDeadlineSeconds);
  if (oldAds !== undefined && ads === undefined) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  } else if (oldAds !== undefined && ads !== undefined && ads > oldAds) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
  }
  munged.activeDeadlineSeconds = before.activeDeadlineSeconds;
  errs.push(...tolerationUpdateErrors(now.tolerations, before.tolerations));
  munged.tolerations = before.tolerations;
  const grace = num(before.terminationGracePeriodSeconds);
  if (grace !== undefined && grace < 0 && now.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = grace;
  // Scheduling gates may only be removed (pkg/apis/core/validation validateSchedulingGates on update).
  const oldGates = new Set(items(before.schedulingGates).map(([g]) => str(g.name)));
  for (const [g] of items(now.schedulingGates)) {
    if (!oldGates.has(str(g.name))) errs.push(field.forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${String(g.name)}'`));
  }
  munged.schedulingGates = before.schedulingGates;
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!deepEqual(munged, before)) {
    const diff: string[] = [];
    changedPaths(munged, before, 'spec', diff);
    errs.push(field.forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${diff.map((d) => `  ${d}`).join('\n')}`));
  }
  return errs;
}

export const podStrategy: KindStrategy = defineStrategy({
  default: (pod) => defaultPod(pod),
  validate: (pod) => validatePodSpec(pod.spec, 'spec'),
  validateUpdate: (pod, old) => validatePodSpecUpdate(pod.spec, old.spec),
  prepareForCreate: (pod: KubeObject) => {
    const spec = child(pod, 'spec');
    // Stands in for the Priority admission plugin when no PriorityClass is named (no global default class).
    if (spec.priority === undefined && !spec.priorityClassName) {
      spec.priority = 0;
      if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
    }
    pod.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
  },
  prepareForUpdate: (pod, old) => {
    keepStatus(pod, old);
    // Priority is fixed at creation (admission); a PUT that omits it keeps the stored value.
    const spec = child(pod, 'spec');
    const oldSpec = rec(old.spec) ?? {};
    for (const k of ['priority', 'preemptionPolicy']) if (spec[k] === undefined && oldSpec[k] !== undefined) spec[k] = oldSpec[k];
  },
});
