// pods/binding: the scheduler's way to assign a pod to a node (pkg/registry/core/pod/storage BindingREST).
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject, rfc3339 } from '../../machinery/object.js';
import { badRequest, conflict, invalid } from '../../machinery/errors.js';
import { guaranteedUpdate, type WriteOptions } from '../registry/write.js';
import type { HandlerContext } from './context.js';

export async function bindPod(ctx: HandlerContext, ns: string, podName: string, body: unknown, opts: WriteOptions): Promise<KubeObject> {
  if (!isPlainObject(body)) throw badRequest('the body of the request was not a JSON object');
  const target = body.target as { kind?: string; name?: string } | undefined;
  const meta = body.metadata as { name?: string; annotations?: Record<string, string> } | undefined;
  if (meta?.name && meta.name !== podName) throw badRequest(`binding name ${meta.name} does not match pod name ${podName}`);
  if (!target?.name) throw invalid('Binding', '', podName, [{ type: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  if (target.kind && target.kind !== 'Node') throw invalid('Binding', '', podName, [{ type: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: "${target.kind}": supported values: "Node"` }]);
  const podDef = ctx.deps.resource('', 'v1', 'pods');
  if (!podDef) throw new Error('pods resource missing');
  const now = rfc3339(ctx.deps.clock.now());
  return guaranteedUpdate(ctx.deps, podDef, ns, podName, 'system', opts, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict({ group: '', resource: 'pods' }, podName, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict({ group: '', resource: 'pods' }, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = target.name;
    if (meta?.annotations) pod.metadata = { ...pod.metadata, annotations: { ...(pod.metadata?.annotations ?? {}), ...meta.annotations } };
    const status = (pod.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
    status.conditions = conditions;
    if (pod.metadata) delete pod.metadata.resourceVersion;
    return pod;
  });
}
