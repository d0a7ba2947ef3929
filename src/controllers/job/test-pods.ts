// Test helper (no kubelet in controller tests): plays the kubelet's part for a pod by writing its
// status as kubelet would when the containers run, exit 0, or fail.
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { Pod } from './types.js';

export type SimulatedOutcome = 'Running' | 'Succeeded' | 'Failed';

function containerNames(p: Pod): string[] {
  return (p.spec?.containers ?? []).map((c) => c.name);
}

/** Patches pods/status: Running (Ready), Succeeded (exit 0) or Failed (exit `exitCode`, default 1). */
export async function simulatePod(client: ApiClient, namespace: string, name: string, outcome: SimulatedOutcome, o: { exitCode?: number } = {}): Promise<Pod> {
  const pod = await client.get<Pod>(R.pods, namespace, name);
  const now = new Date().toISOString();
  const names = containerNames(pod);
  let status: Record<string, unknown>;
  if (outcome === 'Running') {
    status = {
      phase: 'Running', startTime: now,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      containerStatuses: names.map((n) => ({ name: n, ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: now } } })),
    };
  } else {
    const exitCode = outcome === 'Succeeded' ? 0 : o.exitCode ?? 1;
    status = {
      phase: outcome,
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now }],
      containerStatuses: names.map((n) => ({
        name: n, ready: false, restartCount: 0, image: 'busybox', imageID: '',
        state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } },
      })),
    };
  }
  return client.patch<Pod>(R.pods, namespace, name, { status }, 'merge', { subresource: 'status' });
}

/** Pods of a Job (by the job-name label), oldest first. */
export async function podsOfJob(client: ApiClient, namespace: string, jobName: string): Promise<Pod[]> {
  const list = await client.list<Pod>(R.pods, namespace, { labelSelector: `batch.kubernetes.io/job-name=${jobName}` });
  return list.items.sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Not finished and not being deleted. */
export function podIsActive(p: Pod): boolean {
  return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}
