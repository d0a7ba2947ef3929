// The status conditions the namespace deleter maintains on a Terminating namespace, with kube's
// types, reasons and messages (pkg/controller/namespace/deletion/status_condition_utils.go), so
// `kubectl describe namespace` and tooling that greps them read the same thing.
import { rfc3339 } from '../../machinery/object.js';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

type ConditionType = typeof CONDITION_TYPES[number];

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one pass of content deletion found. */
export interface DeletionOutcome {
  /** Groups whose discovery failed, with why. */
  discoveryFailures: readonly { group: string; message: string }[];
  /** Per resource that failed to be deleted: the error message. */
  contentErrors: readonly string[];
  /** `resource.group` → instances left. */
  remaining: ReadonlyMap<string, number>;
  /** finalizer → instances it holds back. */
  finalizers: ReadonlyMap<string, number>;
}

/** The failure conditions of an outcome; types absent here get their "ok" variant. */
function failures(o: DeletionOutcome): Map<ConditionType, { reason: string; message: string }> {
  const out = new Map<ConditionType, { reason: string; message: string }>();
  if (o.discoveryFailures.length) {
    const detail = o.discoveryFailures.map((f) => `${f.group || 'core'}: ${f.message}`).join(', ');
    out.set('NamespaceDeletionDiscoveryFailure', {
      reason: 'DiscoveryFailed',
      message: `Discovery failed for some groups, ${o.discoveryFailures.length} failing: unable to retrieve the complete list of server APIs: ${detail}`,
    });
  }
  if (o.contentErrors.length) {
    out.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${o.contentErrors.length} remaining: ${[...o.contentErrors].sort().join(', ')}`,
    });
  }
  const remaining = [...o.remaining].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`).sort();
  if (remaining.length) {
    out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  }
  const fins = [...o.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (fins.length) {
    out.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${fins.join(', ')}` });
  }
  return out;
}

/**
 * The namespace's conditions after this outcome: each maintained type is set (failure or ok
 * variant); lastTransitionTime moves only when the status flips. Returns undefined when nothing changed.
 */
export function updatedConditions(current: readonly NamespaceCondition[], o: DeletionOutcome, now: number): NamespaceCondition[] | undefined {
  const next = current.map((c) => ({ ...c }));
  const failed = failures(o);
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const f = failed.get(type);
    const want = { type, status: f ? 'True' : 'False', ...(f ?? OK[type]) };
    const old = next.find((c) => c.type === type);
    if (!old) {
      next.push({ ...want, lastTransitionTime: rfc3339(now) });
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = rfc3339(now);
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return changed ? next : undefined;
}
