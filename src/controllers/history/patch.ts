// What a revision stores, and how it is applied back (statefulset getPatch / ApplyRevision,
// daemonset getPatch / Match): the owner's pod template as a strategic merge patch that replaces
// spec.template whole. `kubectl rollout undo` sends this very patch to roll back.
import { clone, deepEqual } from '../../machinery/deep-equal.js';
import { applyStrategicMergePatch } from '../../machinery/patch/index.js';
import type { KubeObject } from '../../machinery/object.js';
import type { ControllerRevision } from './types.js';

/** An owner with a pod template (StatefulSet, DaemonSet). */
export interface TemplateOwner extends KubeObject {
  spec?: { template?: unknown };
}

/** `{"spec":{"template":{…template…,"$patch":"replace"}}}`. */
export function templatePatch(owner: Readonly<TemplateOwner>): Record<string, unknown> {
  const template = clone((owner.spec?.template ?? {}) as Record<string, unknown>);
  return { spec: { template: { ...template, $patch: 'replace' } } };
}

/** The owner as it was at `revision` (its template restored; everything else as now). */
export function applyRevision<T extends TemplateOwner>(owner: Readonly<T>, revision: Readonly<ControllerRevision>): T {
  return applyStrategicMergePatch(owner as T, revision.data, undefined);
}

/** Whether `revision` snapshots the owner's current template (daemonset Match). */
export function revisionMatches(owner: Readonly<TemplateOwner>, revision: Readonly<ControllerRevision>): boolean {
  return deepEqual(templatePatch(owner), revision.data);
}
