// pods/eviction: delete a pod unless that would break a PodDisruptionBudget (what `kubectl drain`
// uses). Mirrors pkg/registry/core/pod/storage/eviction.go: one PDB at most per pod, its
// status.disruptionsAllowed must be positive, and the budget is consumed (status.disruptedPods) before
// the pod is deleted, so concurrent evictions cannot both spend the last disruption.
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject, rfc3339 } from '../../machinery/object.js';
import { badRequest, internalError, StatusError, tooManyRequests } from '../../machinery/errors.js';
import { selectorFromLabelSelector, matches } from '../../machinery/labels.js';
import { getObject, listObjects } from '../registry/read.js';
import { guaranteedUpdate } from '../registry/write.js';
import { deleteObject, parseDeleteOptions, type DeleteResult } from '../registry/delete.js';
import { matchAll } from '../registry/filter.js';
import type { HandlerContext } from './context.js';

function budgetExhausted(pdbName: string): StatusError {
  const e = tooManyRequests('Cannot evict pod as it would violate the pod\'s disruption budget.', 0);
  e.status.details = { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} needs more healthy pods to allow this eviction.` }] };
  return e;
}

export async function evictPod(ctx: HandlerContext, ns: string, podName: string, body: unknown, query: URLSearchParams): Promise<DeleteResult> {
  if (!isPlainObject(body)) throw badRequest('the body of the request was not a JSON object');
  const meta = body.metadata as { name?: string } | undefined;
  if (meta?.name && meta.name !== podName) throw badRequest(`name in URL does not match name in Eviction object`);
  const deleteOptions = parseDeleteOptions(query, body.deleteOptions);
  const { deps } = ctx;
  const podDef = deps.resource('', 'v1', 'pods');
  const pdbDef = deps.resource('policy', 'v1', 'poddisruptionbudgets');
  if (!podDef || !pdbDef) throw internalError(new Error('pods or poddisruptionbudgets not served'));
  const pod = await getObject(deps, podDef, ns, podName);
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // Terminal pods and pods already being deleted are not protected by a budget.
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp) {
    return deleteObject(deps, podDef, ns, podName, deleteOptions);
  }
  const pdbs = (await listObjects(deps, pdbDef, ns, { resourceVersion: '', resourceVersionMatch: '', limit: 0, continueToken: '', filter: matchAll })).items
    .filter((pdb) => {
      const sel = (pdb.spec as { selector?: unknown } | undefined)?.selector;
      return matches(selectorFromLabelSelector(sel as never), pod.metadata?.labels);
    });
  if (pdbs.length > 1) {
    throw internalError(new Error('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
  }
  const pdb = pdbs[0];
  if (pdb) {
    const name = pdb.metadata?.name ?? '';
    await guaranteedUpdate(deps, pdbDef, ns, name, 'status', { dryRun: deleteOptions.dryRun }, (current: KubeObject) => {
      const status = (current.status ?? {}) as { disruptionsAllowed?: number; observedGeneration?: number; disruptedPods?: Record<string, string> };
      if ((status.observedGeneration ?? 0) < (current.metadata?.generation ?? 0)) {
        throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${name} is still being processed by the server.`, 0);
      }
      if ((status.disruptionsAllowed ?? 0) <= 0) throw budgetExhausted(name);
      current.status = {
        ...status,
        disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1,
        disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: rfc3339(deps.clock.now()) },
      };
      return current;
    });
  }
  return deleteObject(deps, podDef, ns, podName, deleteOptions);
}
