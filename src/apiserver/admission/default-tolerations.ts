// DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds): every pod tolerates
// node.kubernetes.io/not-ready and /unreachable NoExecute for 300 s unless it says otherwise, so a
// silent node's pods are evicted after five minutes.
import type { AdmissionPlugin } from '../registry/context.js';

interface Toleration { key?: string; operator?: string; effect?: string; tolerationSeconds?: number; value?: string }

export function defaultTolerationSeconds(notReadySeconds = 300, unreachableSeconds = 300): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    async admit(req) {
      if (req.operation !== 'CREATE' || req.def.group !== '' || req.def.resource !== 'pods') return;
      const spec = (req.obj.spec ??= {}) as { tolerations?: Toleration[] };
      const tolerations = spec.tolerations ?? [];
      const covers = (key: string) => tolerations.some((t) =>
        (t.operator === 'Exists' && !t.key) || (t.key === key && (!t.effect || t.effect === 'NoExecute')));
      const defaults: [string, number][] = [['node.kubernetes.io/not-ready', notReadySeconds], ['node.kubernetes.io/unreachable', unreachableSeconds]];
      for (const [key, seconds] of defaults) {
        if (!covers(key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      }
      spec.tolerations = tolerations;
    },
  };
}
