// The scale subresource: an autoscaling/v1 Scale view of a workload's replicas
// (kubectl scale; the HPA controller). Writes go to the parent's spec.replicas.
import type { ResourceDef, ScalePaths } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';
import { badRequest, invalid } from '../../machinery/errors.js';
import { labelSelectorToString } from '../../machinery/labels.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../machinery/patch/index.js';
import { getObject } from '../registry/read.js';
import { guaranteedUpdate, type WriteOptions } from '../registry/write.js';
import type { HandlerContext } from './context.js';
import type { PatchType } from './patch.js';

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(obj: KubeObject, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function selectorString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isPlainObject(v) && ('matchLabels' in v || 'matchExpressions' in v)) return labelSelectorToString(v as never);
  if (isPlainObject(v)) return Object.entries(v).map(([k, val]) => `${k}=${String(val)}`).sort().join(',');
  return '';
}

export function scaleOf(obj: KubeObject, paths: ScalePaths): KubeObject {
  const m = obj.metadata ?? {};
  const replicas = getPath(obj, paths.specReplicasPath);
  const status: Record<string, unknown> = { replicas: getPath(obj, paths.statusReplicasPath) ?? 0 };
  const sel = paths.labelSelectorPath ? selectorString(getPath(obj, paths.labelSelectorPath)) : '';
  if (sel) status.selector = sel;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status,
  };
}

export function scaleHandlers(ctx: HandlerContext, def: ResourceDef, paths: ScalePaths) {
  const write = (ns: string, name: string, opts: WriteOptions, change: (scale: KubeObject) => KubeObject) =>
    guaranteedUpdate(ctx.deps, def, ns, name, 'main', opts, (current) => {
      const wanted = change(scaleOf(current, paths));
      const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw invalid('Scale', 'autoscaling', name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
      }
      setPath(current, paths.specReplicasPath, replicas);
      // A resourceVersion the client sent is a precondition (guaranteedUpdate checks it on every try).
      const rv = wanted.metadata?.resourceVersion;
      if (rv) current.metadata = { ...current.metadata, resourceVersion: rv };
      return current;
    }).then((o) => scaleOf(o, paths));
  return {
    get: async (ns: string, name: string) => scaleOf(await getObject(ctx.deps, def, ns, name), paths),
    update: (ns: string, name: string, body: unknown, opts: WriteOptions) => {
      if (!isPlainObject(body)) throw badRequest('the body of the request was not a JSON object');
      return write(ns, name, opts, () => body as KubeObject);
    },
    patch: (ns: string, name: string, patch: unknown, type: PatchType, opts: WriteOptions) =>
      write(ns, name, opts, (scale) => {
        const out = type === 'json' ? applyJsonPatch(scale, patch as never)
          : type === 'merge' ? applyMergePatch(scale, patch) : applyStrategicMergePatch(scale, patch, undefined);
        const meta = (patch as { metadata?: { resourceVersion?: string } }).metadata;
        const o = out as KubeObject;
        if (type !== 'json' && !meta?.resourceVersion && o.metadata) delete o.metadata.resourceVersion;
        return o;
      }),
  };
}
