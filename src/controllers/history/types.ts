// apps/v1 ControllerRevision: an immutable snapshot of a workload's pod template that StatefulSets
// and DaemonSets keep as their rollout history (k8s.io/api/apps/v1 types.go).
import type { KubeObject } from '../../machinery/object.js';

export interface ControllerRevision extends KubeObject {
  /** The strategic merge patch that restores the snapshot: `{spec:{template:{…,$patch:replace}}}`. */
  data?: unknown;
  /** Orders the revisions of one owner; the highest is the newest. */
  revision?: number;
}

/** Label with the hash of a revision's data (pkg/controller/history ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** The annotation `kubectl rollout history` shows as CHANGE-CAUSE. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** An informer index of objects nobody controls, by namespace (orphans a controller may adopt). */
export const ORPHANS_BY_NAMESPACE = 'orphans-by-namespace';
