// Annotations the Deployment controller keeps on its ReplicaSets and itself (deploymentutil
// SetNewReplicaSetAnnotations, SetReplicasAnnotations, SetDeploymentRevision): the Deployment's
// own annotations copied (change-cause among them), the revision, the revisions a rolled-back-to
// ReplicaSet had before, and the desired/max replica counts proportional scaling needs.
import type { ReplicaSet } from '../replicaset/index.js';
import {
  DEPRECATED_ROLLBACK_TO, DESIRED_REPLICAS, LAST_APPLIED, MAX_REPLICAS, REVISION, REVISION_HISTORY, type Deployment,
} from './types.js';

/** Longest revision-history annotation kept (kube's maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const NOT_COPIED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

function annotationsOf(o: ReplicaSet | Deployment): Record<string, string> {
  const meta = (o.metadata ??= {});
  return (meta.annotations ??= {});
}

/** Copies the Deployment's annotations (all but the controller's own) onto the ReplicaSet; true if any changed. */
export function copyDeploymentAnnotations(d: Readonly<Deployment>, rs: ReplicaSet): boolean {
  const target = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true if they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) { a[DESIRED_REPLICAS] = String(desired); changed = true; }
  if (a[MAX_REPLICAS] !== String(max)) { a[MAX_REPLICAS] = String(max); changed = true; }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: Readonly<ReplicaSet>, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * The annotations of the new ReplicaSet: the Deployment's, and revision `newRevision` if higher
 * than the one it has. A ReplicaSet that had a revision and gets a higher one is being rolled
 * back to: its old revision joins revision-history (oldest dropped past 2000 characters).
 * A ReplicaSet about to be created (`exists` false) gets the replica annotations too.
 * Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Readonly<Deployment>, rs: ReplicaSet, newRevision: number, exists: boolean, maxSurge: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotationsOf(rs);
  const oldText = a[REVISION];
  let old = 0;
  if (oldText !== undefined && oldText !== '') {
    if (!/^-?\d+$/.test(oldText)) return false; // not ours to fix
    old = Number(oldText);
  }
  if (old < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = a[REVISION_HISTORY] ?? '';
      const kept = history === '' ? [] : history.split(',');
      let total = history.length + oldText.length + 1;
      let start = 0;
      while (history !== '' && total > MAX_REVISION_HISTORY_CHARS && start < kept.length) {
        total -= (kept[start]?.length ?? 0) + 1;
        start++;
      }
      if (history === '') a[REVISION_HISTORY] = oldText;
      else if (total <= MAX_REVISION_HISTORY_CHARS) a[REVISION_HISTORY] = [...kept.slice(start), oldText].join(',');
    }
  }
  const desired = d.spec?.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, desired, desired + maxSurge)) changed = true;
  return changed;
}

/** Sets the Deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = annotationsOf(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}
