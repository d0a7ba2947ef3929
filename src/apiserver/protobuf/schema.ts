// The message schema the decoder walks: the project's proto text parsed once into a protobufjs
// Root, and the table of kinds a protobuf request body may carry. kube-apiserver accepts
// application/vnd.kubernetes.protobuf for every built-in kind; this table holds the kinds the real
// kubectl and client-go send that way (kubectl create/autoscale/drain/token, leader election,
// event recorders). Anything else is refused by name.
import protobuf from 'protobufjs';
import type { Type } from 'protobufjs';
import { metaV1Proto, runtimeProto, intstrProto, resourceProto } from './proto/meta.js';
import { coreProto } from './proto/core.js';
import { corePodProto } from './proto/core-pod.js';
import { coreVolumeProto } from './proto/core-volume.js';
import { appsV1Proto, batchV1Proto, autoscalingV1Proto, policyV1Proto } from './proto/workloads.js';
import {
  rbacV1Proto, schedulingV1Proto, networkingV1Proto, authenticationV1Proto, coordinationV1Proto, eventsV1Proto,
  certificatesV1Proto,
} from './proto/cluster.js';

const PROTO_TEXTS = [
  metaV1Proto, runtimeProto, intstrProto, resourceProto, coreProto, corePodProto, coreVolumeProto,
  appsV1Proto, batchV1Proto, autoscalingV1Proto, policyV1Proto, rbacV1Proto, schedulingV1Proto,
  networkingV1Proto, authenticationV1Proto, coordinationV1Proto, eventsV1Proto, certificatesV1Proto,
];

/** apiVersion → kind → message name (package-qualified, without the leading dot). */
const KINDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  v1: {
    Namespace: 'k8s.io.api.core.v1.Namespace', ConfigMap: 'k8s.io.api.core.v1.ConfigMap',
    Secret: 'k8s.io.api.core.v1.Secret', Service: 'k8s.io.api.core.v1.Service',
    ServiceAccount: 'k8s.io.api.core.v1.ServiceAccount', ResourceQuota: 'k8s.io.api.core.v1.ResourceQuota',
    Pod: 'k8s.io.api.core.v1.Pod', Event: 'k8s.io.api.core.v1.Event',
  },
  'apps/v1': { Deployment: 'k8s.io.api.apps.v1.Deployment' },
  'batch/v1': { Job: 'k8s.io.api.batch.v1.Job', CronJob: 'k8s.io.api.batch.v1.CronJob' },
  'autoscaling/v1': { HorizontalPodAutoscaler: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler' },
  'policy/v1': {
    PodDisruptionBudget: 'k8s.io.api.policy.v1.PodDisruptionBudget', Eviction: 'k8s.io.api.policy.v1.Eviction',
  },
  'rbac.authorization.k8s.io/v1': {
    Role: 'k8s.io.api.rbac.v1.Role', ClusterRole: 'k8s.io.api.rbac.v1.ClusterRole',
    RoleBinding: 'k8s.io.api.rbac.v1.RoleBinding', ClusterRoleBinding: 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  },
  'scheduling.k8s.io/v1': { PriorityClass: 'k8s.io.api.scheduling.v1.PriorityClass' },
  'networking.k8s.io/v1': { Ingress: 'k8s.io.api.networking.v1.Ingress' },
  'authentication.k8s.io/v1': { TokenRequest: 'k8s.io.api.authentication.v1.TokenRequest' },
  'coordination.k8s.io/v1': { Lease: 'k8s.io.api.coordination.v1.Lease' },
  'events.k8s.io/v1': { Event: 'k8s.io.api.events.v1.Event' },
  'certificates.k8s.io/v1': { CertificateSigningRequest: 'k8s.io.api.certificates.v1.CertificateSigningRequest' },
};

/** metav1.AddToGroupVersion registers DeleteOptions in every group version, so a typed delete
 *  sends it under the resource's own apiVersion (policy/v1, apps/v1, v1, ...). */
const DELETE_OPTIONS = 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** Scalar types the decoder reads; the proto text must use no others. */
export const SCALAR_TYPES: ReadonlySet<string> = new Set(['string', 'bytes', 'bool', 'int32', 'int64']);

export interface Schema {
  /** The message for an apiVersion/kind, or undefined when protobuf bodies of it are not supported. */
  messageFor(apiVersion: string, kind: string): Type | undefined;
  readonly envelope: Type;
}

let loaded: Schema | undefined;

/** Parses the proto text on first use (a few milliseconds) and checks it only uses what the
 *  decoder reads; a mistake there is a programming error, so it throws a plain Error. */
export function kubeProtobufSchema(): Schema {
  if (loaded) return loaded;
  const root = new protobuf.Root();
  for (const text of PROTO_TEXTS) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  const types = new Map<string, Type>();
  for (const [apiVersion, kinds] of Object.entries(KINDS)) {
    for (const [kind, name] of Object.entries(kinds)) types.set(`${apiVersion}/${kind}`, root.lookupType(name));
  }
  const deleteOptions = root.lookupType(DELETE_OPTIONS);
  checkScalars(root);
  const schema: Schema = {
    envelope: root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown'),
    messageFor: (apiVersion, kind) =>
      kind === 'DeleteOptions' && apiVersion !== '' ? deleteOptions : types.get(`${apiVersion}/${kind}`),
  };
  loaded = schema;
  return schema;
}

function checkScalars(root: protobuf.Root): void {
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const f of nested.fieldsArray) {
          if (!f.resolvedType && !SCALAR_TYPES.has(f.type)) {
            throw new Error(`protobuf schema: ${nested.fullName}.${f.name} has unsupported type ${f.type}`);
          }
          if (f.resolvedType && !(f.resolvedType instanceof protobuf.Type)) {
            throw new Error(`protobuf schema: ${nested.fullName}.${f.name} is an enum; Kubernetes uses strings`);
          }
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
}
