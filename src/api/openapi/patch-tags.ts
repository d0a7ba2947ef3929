// Strategic-merge-patch and server-side-apply tags of the built-in types, written by hand from the
// Go struct tags and markers in k8s.io/api/*/types.go and k8s.io/apimachinery/pkg/apis/meta/v1/types.go
// (`patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=name`, `+structType=atomic`).
// client-node's generated models drop these, so scripts/gen-openapi.mjs folds this table into
// dist/openapi/definitions.json as x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key /
// x-kubernetes-list-type / x-kubernetes-list-map-keys / x-kubernetes-map-type, as kube-openapi does.
// Data only (no imports), so the build script can load it compiled or from source.

export interface FieldTags {
  readonly patchStrategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  /** `+mapType` on a map field or `+structType` on a struct field. */
  readonly mapType?: 'atomic' | 'granular';
}

const atomic: FieldTags = { listType: 'atomic' };
const set: FieldTags = { listType: 'set' };
const atomicMap: FieldTags = { mapType: 'atomic' };

/** `patchStrategy:"merge" patchMergeKey:"<key>"` with `+listType=map +listMapKey=<key>[,more]`. */
function mergeBy(key: string, ...moreMapKeys: string[]): FieldTags {
  return { patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key, ...moreMapKeys] };
}

/** Status conditions everywhere: merged by type. */
const conditions = mergeBy('type');

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

// Container and EphemeralContainer share their fields (EphemeralContainerCommon is inlined).
const containerTags: Record<string, FieldTags> = {
  command: atomic, args: atomic, envFrom: atomic, resizePolicy: atomic,
  ports: mergeBy('containerPort', 'protocol'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

/** Field tags keyed by definition name, then by JSON field name. */
export const fieldTags: Readonly<Record<string, Readonly<Record<string, FieldTags>>>> = {
  // meta/v1
  [`${META}ObjectMeta`]: {
    ownerReferences: mergeBy('uid'),
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    managedFields: atomic,
  },
  [`${META}LabelSelector`]: { matchExpressions: atomic },
  [`${META}LabelSelectorRequirement`]: { values: atomic },
  [`${META}DeleteOptions`]: { dryRun: atomic },
  [`${META}StatusDetails`]: { causes: atomic },
  [`${META}APIVersions`]: { versions: atomic, serverAddressByClientCIDRs: atomic },
  [`${META}APIGroupList`]: { groups: atomic },
  [`${META}APIGroup`]: { versions: atomic, serverAddressByClientCIDRs: atomic },
  [`${META}APIResource`]: { shortNames: atomic, categories: atomic },
  [`${META}APIResourceList`]: { resources: atomic },

  // core/v1
  [`${CORE}PodSpec`]: {
    volumes: { ...mergeBy('name'), patchStrategy: 'merge,retainKeys' },
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    nodeSelector: atomicMap,
    imagePullSecrets: mergeBy('name'),
    tolerations: atomic,
    hostAliases: mergeBy('ip'),
    readinessGates: atomic,
    topologySpreadConstraints: mergeBy('topologyKey', 'whenUnsatisfiable'),
    schedulingGates: mergeBy('name'),
    resourceClaims: { ...mergeBy('name'), patchStrategy: 'merge,retainKeys' },
  },
  [`${CORE}Container`]: containerTags,
  [`${CORE}EphemeralContainer`]: containerTags,
  [`${CORE}ContainerStatus`]: { volumeMounts: mergeBy('mountPath'), allocatedResourcesStatus: mergeBy('name') },
  [`${CORE}ResourceStatus`]: { resources: { listType: 'map', listMapKeys: ['resourceID'] } },
  [`${CORE}ResourceRequirements`]: { claims: { listType: 'map', listMapKeys: ['name'] } },
  [`${CORE}PodStatus`]: {
    conditions,
    // hostIPs keeps its merge key for patches but is atomic for apply (types.go says so).
    hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
    podIPs: mergeBy('ip'),
    initContainerStatuses: atomic, containerStatuses: atomic, ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...mergeBy('name'), patchStrategy: 'merge,retainKeys' },
  },
  [`${CORE}TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${CORE}HostAlias`]: { hostnames: atomic },
  [`${CORE}PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${CORE}PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${CORE}Capabilities`]: { add: atomic, drop: atomic },
  [`${CORE}ExecAction`]: { command: atomic },
  [`${CORE}HTTPGetAction`]: { httpHeaders: atomic },
  [`${CORE}NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${CORE}NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${CORE}NodeSelectorRequirement`]: { values: atomic },
  [`${CORE}TopologySelectorTerm`]: { matchLabelExpressions: atomic },
  [`${CORE}TopologySelectorLabelRequirement`]: { values: atomic },
  [`${CORE}NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${CORE}PodAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${CORE}PodAntiAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${CORE}PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [`${CORE}SecretVolumeSource`]: { items: atomic },
  [`${CORE}SecretProjection`]: { items: atomic },
  [`${CORE}ConfigMapVolumeSource`]: { items: atomic },
  [`${CORE}ConfigMapProjection`]: { items: atomic },
  [`${CORE}DownwardAPIVolumeSource`]: { items: atomic },
  [`${CORE}DownwardAPIProjection`]: { items: atomic },
  [`${CORE}ProjectedVolumeSource`]: { sources: atomic },
  [`${CORE}RBDVolumeSource`]: { monitors: atomic },
  [`${CORE}RBDPersistentVolumeSource`]: { monitors: atomic },
  [`${CORE}CephFSVolumeSource`]: { monitors: atomic },
  [`${CORE}CephFSPersistentVolumeSource`]: { monitors: atomic },
  [`${CORE}ISCSIVolumeSource`]: { portals: atomic },
  [`${CORE}ISCSIPersistentVolumeSource`]: { portals: atomic },
  [`${CORE}FCVolumeSource`]: { targetWWNs: atomic, wwids: atomic },
  [`${CORE}PersistentVolumeSpec`]: { accessModes: atomic, mountOptions: atomic, claimRef: { mapType: 'granular' } },
  [`${CORE}PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${CORE}PersistentVolumeClaimStatus`]: {
    accessModes: atomic, conditions, allocatedResourceStatuses: { mapType: 'granular' },
  },
  [`${CORE}ReplicationControllerSpec`]: { selector: atomicMap },
  [`${CORE}ReplicationControllerStatus`]: { conditions },
  [`${CORE}ServiceSpec`]: {
    ports: mergeBy('port', 'protocol'),
    selector: atomicMap,
    clusterIPs: atomic, externalIPs: atomic, loadBalancerSourceRanges: atomic, ipFamilies: atomic,
  },
  [`${CORE}ServiceStatus`]: { conditions },
  [`${CORE}LoadBalancerStatus`]: { ingress: atomic },
  [`${CORE}LoadBalancerIngress`]: { ports: atomic },
  [`${CORE}ServiceAccount`]: { secrets: mergeBy('name'), imagePullSecrets: atomic },
  [`${CORE}Endpoints`]: { subsets: atomic },
  [`${CORE}EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${CORE}NodeSpec`]: { podCIDRs: { patchStrategy: 'merge', listType: 'set' }, taints: atomic },
  [`${CORE}NodeStatus`]: {
    conditions, addresses: mergeBy('type'),
    images: atomic, volumesInUse: atomic, volumesAttached: atomic, runtimeHandlers: atomic,
  },
  [`${CORE}ContainerImage`]: { names: atomic },
  [`${CORE}NamespaceSpec`]: { finalizers: atomic },
  [`${CORE}NamespaceStatus`]: { conditions },
  [`${CORE}LimitRangeSpec`]: { limits: atomic },
  [`${CORE}ResourceQuotaSpec`]: { scopes: atomic },
  [`${CORE}ScopeSelector`]: { matchExpressions: atomic },
  [`${CORE}ScopedResourceSelectorRequirement`]: { values: atomic },
  [`${CORE}ComponentStatus`]: { conditions },

  // apps/v1
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { patchStrategy: 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions },

  // batch/v1 (JobStatus.conditions merges by type for patches but is atomic for apply)
  'io.k8s.api.batch.v1.JobStatus': { conditions: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' } },
  'io.k8s.api.batch.v1.PodFailurePolicy': { rules: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': { onPodConditions: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: set },
  'io.k8s.api.batch.v1.SuccessPolicy': { rules: atomic },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': { succeeded: set, failed: set },
  'io.k8s.api.batch.v1.CronJobStatus': { active: atomic },

  // autoscaling/v2
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { policies: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { currentMetrics: atomic, conditions },

  // discovery.k8s.io/v1
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: set },
  'io.k8s.api.discovery.v1.EndpointHints': { forZones: atomic },

  // networking.k8s.io/v1
  'io.k8s.api.networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': { ports: atomic, from: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': { ports: atomic, to: atomic },
  'io.k8s.api.networking.v1.IPBlock': { except: atomic },
  'io.k8s.api.networking.v1.IngressSpec': { tls: atomic, rules: atomic },
  'io.k8s.api.networking.v1.IngressTLS': { hosts: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': { ports: atomic },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': { paths: atomic },

  // policy/v1: a patch replaces the PDB selector wholesale.
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { selector: { patchStrategy: 'replace' } },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions },

  // rbac.authorization.k8s.io/v1
  'io.k8s.api.rbac.v1.PolicyRule': {
    verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic,
  },
  'io.k8s.api.rbac.v1.Role': { rules: atomic },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: atomic },
  'io.k8s.api.rbac.v1.RoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.AggregationRule': { clusterRoleSelectors: atomic },

  // storage.k8s.io/v1
  'io.k8s.api.storage.v1.StorageClass': { mountOptions: atomic, allowedTopologies: atomic },
  'io.k8s.api.storage.v1.CSIDriverSpec': { volumeLifecycleModes: set, tokenRequests: atomic },
  'io.k8s.api.storage.v1.CSINodeSpec': { drivers: mergeBy('name') },
  'io.k8s.api.storage.v1.CSINodeDriver': { topologyKeys: atomic },
};

/** Types whose Go declaration carries `+structType=atomic`: apply replaces them whole. */
export const atomicStructs: readonly string[] = [
  `${META}LabelSelector`, `${META}OwnerReference`,
  `${CORE}ObjectReference`, `${CORE}LocalObjectReference`, `${CORE}TypedLocalObjectReference`,
  `${CORE}SecretReference`, `${CORE}ConfigMapKeySelector`, `${CORE}SecretKeySelector`,
  `${CORE}ObjectFieldSelector`, `${CORE}ResourceFieldSelector`, `${CORE}FileKeySelector`,
  `${CORE}NodeSelector`, `${CORE}NodeSelectorTerm`, `${CORE}TopologySelectorTerm`,
  `${CORE}EndpointAddress`, `${CORE}EndpointPort`, `${CORE}ScopeSelector`,
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference',
  'io.k8s.api.discovery.v1.EndpointPort',
  'io.k8s.api.networking.v1.ServiceBackendPort',
  'io.k8s.api.rbac.v1.Subject', 'io.k8s.api.rbac.v1.RoleRef',
];
