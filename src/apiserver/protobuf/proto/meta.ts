// Proto text for the apimachinery messages every object uses. Field numbers are the spec's:
// k8s.io/apimachinery pkg/apis/meta/v1, pkg/runtime, pkg/util/intstr, pkg/api/resource generated.proto.
// Only what request bodies carry is declared. Options steer the JSON conversion (see ../decode.ts):
//   (ptr)    the Go field is a pointer: present on the wire means "set", so a zero value is kept;
//   (keep)   the JSON tag has no omitempty: a zero value is kept, an absent pointer/slice/map is null;
//   (inline) the Go field is an embedded struct whose fields sit in the parent's JSON object.

export const metaV1Proto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;

message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 [(ptr) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}

message OwnerReference {
  optional string kind = 1 [(keep) = true];
  optional string name = 3 [(keep) = true];
  optional string uid = 4 [(keep) = true];
  optional string apiVersion = 5 [(keep) = true];
  optional bool controller = 6 [(ptr) = true];
  optional bool blockOwnerDeletion = 7 [(ptr) = true];
}

message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}

// JSON form is the raw JSON document it holds.
message FieldsV1 {
  optional bytes Raw = 1;
}

message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}

message LabelSelectorRequirement {
  optional string key = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}

message Condition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4 [(keep) = true];
  optional string reason = 5 [(keep) = true];
  optional string message = 6 [(keep) = true];
}

message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(ptr) = true];
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3 [(ptr) = true];
  optional string propagationPolicy = 4 [(ptr) = true];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(ptr) = true];
}

message Preconditions {
  optional string uid = 1 [(ptr) = true];
  optional string resourceVersion = 2 [(ptr) = true];
}

// Both times travel as a google.protobuf.Timestamp; JSON is RFC 3339 (Time: seconds, MicroTime: microseconds).
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}

message MicroTime {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
`;

export const runtimeProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;

message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}

// The envelope of every protobuf body: "k8s\\0" then this message.
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}

// JSON form is the raw JSON document it holds.
message RawExtension {
  optional bytes raw = 1;
}
`;

export const intstrProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;

// JSON form is intVal (type 0) or strVal (type 1).
message IntOrString {
  optional int64 type = 1;
  optional int32 intVal = 2;
  optional string strVal = 3;
}
`;

export const resourceProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;

// JSON form is the string.
message Quantity {
  optional string string = 1;
}
`;
