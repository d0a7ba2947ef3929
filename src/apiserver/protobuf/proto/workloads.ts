// Proto text for apps/v1 Deployment, batch/v1 Job and CronJob, autoscaling/v1
// HorizontalPodAutoscaler and policy/v1 PodDisruptionBudget and Eviction. Field numbers from
// k8s.io/api <group>/<version>/generated.proto; options as described in ./meta.ts.

export const appsV1Proto = `
syntax = "proto2";
package k8s.io.api.apps.v1;

message Deployment {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional DeploymentSpec spec = 2;
  optional DeploymentStatus status = 3;
}

message DeploymentSpec {
  optional int32 replicas = 1 [(ptr) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2 [(keep) = true];
  optional .k8s.io.api.core.v1.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(ptr) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(ptr) = true];
}

message DeploymentStrategy {
  optional string type = 1;
  optional RollingUpdateDeployment rollingUpdate = 2;
}

message RollingUpdateDeployment {
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 1;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxSurge = 2;
}

message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  repeated DeploymentCondition conditions = 6;
  optional int32 readyReplicas = 7;
  optional int32 collisionCount = 8 [(ptr) = true];
  optional int32 terminatingReplicas = 9 [(ptr) = true];
}

message DeploymentCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional string reason = 4;
  optional string message = 5;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastUpdateTime = 6;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 7;
}
`;

export const batchV1Proto = `
syntax = "proto2";
package k8s.io.api.batch.v1;

message Job {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
  optional JobStatus status = 3;
}

message JobSpec {
  optional int32 parallelism = 1 [(ptr) = true];
  optional int32 completions = 2 [(ptr) = true];
  optional int64 activeDeadlineSeconds = 3 [(ptr) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 4;
  optional bool manualSelector = 5 [(ptr) = true];
  optional .k8s.io.api.core.v1.PodTemplateSpec template = 6;
  optional int32 backoffLimit = 7 [(ptr) = true];
  optional int32 ttlSecondsAfterFinished = 8 [(ptr) = true];
  optional string completionMode = 9 [(ptr) = true];
  optional bool suspend = 10 [(ptr) = true];
  optional PodFailurePolicy podFailurePolicy = 11;
  optional int32 backoffLimitPerIndex = 12 [(ptr) = true];
  optional int32 maxFailedIndexes = 13 [(ptr) = true];
  optional string podReplacementPolicy = 14 [(ptr) = true];
  optional string managedBy = 15 [(ptr) = true];
  optional SuccessPolicy successPolicy = 16;
}

message PodFailurePolicy {
  repeated PodFailurePolicyRule rules = 1 [(keep) = true];
}

message PodFailurePolicyRule {
  optional string action = 1 [(keep) = true];
  optional PodFailurePolicyOnExitCodesRequirement onExitCodes = 2;
  repeated PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}

message PodFailurePolicyOnExitCodesRequirement {
  optional string containerName = 1 [(ptr) = true];
  optional string operator = 2 [(keep) = true];
  repeated int32 values = 3 [(keep) = true];
}

message PodFailurePolicyOnPodConditionsPattern {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
}

message SuccessPolicy {
  repeated SuccessPolicyRule rules = 1 [(keep) = true];
}

message SuccessPolicyRule {
  optional string succeededIndexes = 1 [(ptr) = true];
  optional int32 succeededCount = 2 [(ptr) = true];
}

message JobStatus {
  repeated JobCondition conditions = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time startTime = 2;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time completionTime = 3;
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional string completedIndexes = 7;
  optional UncountedTerminatedPods uncountedTerminatedPods = 8;
  optional int32 ready = 9 [(ptr) = true];
  optional string failedIndexes = 10 [(ptr) = true];
  optional int32 terminating = 11 [(ptr) = true];
}

message JobCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastProbeTime = 3;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}

message UncountedTerminatedPods {
  repeated string succeeded = 1;
  repeated string failed = 2;
}

message CronJob {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional CronJobSpec spec = 2;
  optional CronJobStatus status = 3;
}

message CronJobSpec {
  optional string schedule = 1 [(keep) = true];
  optional int64 startingDeadlineSeconds = 2 [(ptr) = true];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(ptr) = true];
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 [(ptr) = true];
  optional int32 failedJobsHistoryLimit = 7 [(ptr) = true];
  optional string timeZone = 8 [(ptr) = true];
}

message JobTemplateSpec {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
}

message CronJobStatus {
  repeated .k8s.io.api.core.v1.ObjectReference active = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastScheduleTime = 4;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastSuccessfulTime = 5;
}
`;

export const autoscalingV1Proto = `
syntax = "proto2";
package k8s.io.api.autoscaling.v1;

message HorizontalPodAutoscaler {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional HorizontalPodAutoscalerSpec spec = 2;
  optional HorizontalPodAutoscalerStatus status = 3;
}

message HorizontalPodAutoscalerSpec {
  optional CrossVersionObjectReference scaleTargetRef = 1;
  optional int32 minReplicas = 2 [(ptr) = true];
  optional int32 maxReplicas = 3 [(keep) = true];
  optional int32 targetCPUUtilizationPercentage = 4 [(ptr) = true];
}

message CrossVersionObjectReference {
  optional string kind = 1 [(keep) = true];
  optional string name = 2 [(keep) = true];
  optional string apiVersion = 3;
}

message HorizontalPodAutoscalerStatus {
  optional int64 observedGeneration = 1 [(ptr) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastScaleTime = 2;
  optional int32 currentReplicas = 3 [(keep) = true];
  optional int32 desiredReplicas = 4 [(keep) = true];
  optional int32 currentCPUUtilizationPercentage = 5 [(ptr) = true];
}
`;

export const policyV1Proto = `
syntax = "proto2";
package k8s.io.api.policy.v1;

message PodDisruptionBudget {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional PodDisruptionBudgetSpec spec = 2;
  optional PodDisruptionBudgetStatus status = 3;
}

message PodDisruptionBudgetSpec {
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString minAvailable = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4 [(ptr) = true];
}

message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, .k8s.io.apimachinery.pkg.apis.meta.v1.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(keep) = true];
  optional int32 currentHealthy = 4 [(keep) = true];
  optional int32 desiredHealthy = 5 [(keep) = true];
  optional int32 expectedPods = 6 [(keep) = true];
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 7;
}

message Eviction {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions deleteOptions = 2;
}
`;
