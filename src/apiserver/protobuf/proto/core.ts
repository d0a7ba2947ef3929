// Proto text for the core/v1 kinds kubectl creates through the typed clientset (namespace,
// configmap, secret, service, serviceaccount, quota) and those client-go writes (Event), with
// the small references they share. Field numbers from k8s.io/api core/v1 generated.proto;
// options as described in ./meta.ts.

export const coreProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

message Namespace {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}

message NamespaceSpec {
  repeated string finalizers = 1;
}

message NamespaceStatus {
  optional string phase = 1;
  repeated NamespaceCondition conditions = 2;
}

message NamespaceCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}

message ConfigMap {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
  optional bool immutable = 4 [(ptr) = true];
}

message Secret {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5 [(ptr) = true];
}

message Service {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ServiceSpec spec = 2;
  optional ServiceStatus status = 3;
}

message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional SessionAffinityConfig sessionAffinityConfig = 14;
  optional string ipFamilyPolicy = 17 [(ptr) = true];
  repeated string clusterIPs = 18;
  repeated string ipFamilies = 19;
  optional bool allocateLoadBalancerNodePorts = 20 [(ptr) = true];
  optional string loadBalancerClass = 21 [(ptr) = true];
  optional string internalTrafficPolicy = 22 [(ptr) = true];
  optional string trafficDistribution = 23 [(ptr) = true];
}

message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional int32 port = 3 [(keep) = true];
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString targetPort = 4;
  optional int32 nodePort = 5;
  optional string appProtocol = 6 [(ptr) = true];
}

message SessionAffinityConfig {
  optional ClientIPConfig clientIP = 1;
}

message ClientIPConfig {
  optional int32 timeoutSeconds = 1 [(ptr) = true];
}

message ServiceStatus {
  optional LoadBalancerStatus loadBalancer = 1;
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 2;
}

message LoadBalancerStatus {
  repeated LoadBalancerIngress ingress = 1;
}

message LoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  optional string ipMode = 3 [(ptr) = true];
  repeated PortStatus ports = 4;
}

message PortStatus {
  optional int32 port = 1 [(keep) = true];
  optional string protocol = 2 [(keep) = true];
  optional string error = 3 [(ptr) = true];
}

message ServiceAccount {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(ptr) = true];
}

message ResourceQuota {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ResourceQuotaSpec spec = 2;
  optional ResourceQuotaStatus status = 3;
}

message ResourceQuotaSpec {
  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> hard = 1;
  repeated string scopes = 2;
  optional ScopeSelector scopeSelector = 3;
}

message ScopeSelector {
  repeated ScopedResourceSelectorRequirement matchExpressions = 1;
}

message ScopedResourceSelectorRequirement {
  optional string scopeName = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}

message ResourceQuotaStatus {
  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> hard = 1;
  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> used = 2;
}

message Event {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ObjectReference involvedObject = 2;
  optional string reason = 3;
  optional string message = 4;
  optional EventSource source = 5;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time firstTimestamp = 6;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTimestamp = 7;
  optional int32 count = 8;
  optional string type = 9;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime eventTime = 10;
  optional EventSeries series = 11;
  optional string action = 12;
  optional ObjectReference related = 13;
  optional string reportingComponent = 14 [(keep) = true];
  optional string reportingInstance = 15 [(keep) = true];
}

message EventSource {
  optional string component = 1;
  optional string host = 2;
}

message EventSeries {
  optional int32 count = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime lastObservedTime = 2;
}

message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}

message LocalObjectReference {
  optional string name = 1;
}

message TypedLocalObjectReference {
  optional string apiGroup = 1 [(ptr) = true, (keep) = true];
  optional string kind = 2 [(keep) = true];
  optional string name = 3 [(keep) = true];
}
`;
