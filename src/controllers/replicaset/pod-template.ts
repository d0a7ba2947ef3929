// A pod from a ReplicaSet's template (kube's controller.GetPodFromTemplate): the template's
// labels, annotations, finalizers and spec, generateName `<owner>-`, and the owner as controller.
import { clone } from '../../machinery/deep-equal.js';
import type { OwnerReference } from '../../machinery/object.js';
import type { Pod, PodTemplateSpec } from './types.js';

export function podFromTemplate(template: Readonly<PodTemplateSpec>, namespace: string, ownerName: string, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ownerName}-`,
      namespace,
      ownerReferences: [controllerRef],
    },
    spec: clone(template.spec ?? {}) as Pod['spec'],
  };
  const m = pod.metadata!;
  if (meta.labels && Object.keys(meta.labels).length) m.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length) m.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length) m.finalizers = [...meta.finalizers];
  return pod;
}
