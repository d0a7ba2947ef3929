// spec.podFailurePolicy: the first rule matching a failed pod decides whether the failure fails the
// Job at once (FailJob), is not counted against backoffLimit (Ignore), or counts (Count, and no
// match). kube pkg/controller/job/pod_failure_policy.go.
import type { ContainerStatus, Job, Pod, PodFailurePolicyRule } from './types.js';

export interface FailurePolicyMatch {
  /** Set when a FailJob rule matched: the message of the Job's failure condition. */
  failJobMessage?: string;
  /** Whether the failure counts against backoffLimit. */
  countFailed: boolean;
  action?: string;
}

function exitCodeMatches(code: number, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): boolean {
  const inValues = req.values.includes(code);
  return req.operator === 'In' ? inValues : req.operator === 'NotIn' ? !inValues : false;
}

function matchingContainer(statuses: readonly ContainerStatus[] | undefined, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  for (const s of statuses ?? []) {
    const t = s.state?.terminated;
    if (!t) continue;
    if (req.containerName && req.containerName !== s.name) continue;
    const code = t.exitCode ?? 0;
    if (code !== 0 && exitCodeMatches(code, req)) return s;
  }
  return undefined;
}

export function matchPodFailurePolicy(job: Readonly<Job>, pod: Readonly<Pod>): FailurePolicyMatch {
  const rules = job.spec?.podFailurePolicy?.rules;
  if (!rules) return { countFailed: true };
  const who = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  for (const [index, rule] of rules.entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const s = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (s) what = `Container ${s.name} for pod ${who} failed with exit code ${s.state?.terminated?.exitCode ?? 0} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const c = (pod.status?.conditions ?? []).find((cond) =>
        (rule.onPodConditions ?? []).some((p) => p.type === cond.type && (p.status ?? 'True') === cond.status));
      if (c) what = `Pod ${who} has condition ${c.type} matching ${rule.action} rule at index ${index}`;
    }
    if (what === undefined) continue;
    switch (rule.action) {
      case 'Ignore': return { countFailed: false, action: 'Ignore' };
      case 'Count': return { countFailed: true, action: 'Count' };
      // Per-index backoff is not implemented; FailIndex then counts like Count.
      case 'FailIndex': return { countFailed: true, action: 'FailIndex' };
      case 'FailJob': return { failJobMessage: what, countFailed: true, action: 'FailJob' };
      default: continue;
    }
  }
  return { countFailed: true };
}
