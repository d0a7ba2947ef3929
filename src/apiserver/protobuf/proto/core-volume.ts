// Proto text for core/v1 pod volumes of the common kinds: emptyDir, hostPath, configMap, secret,
// persistentVolumeClaim, downwardAPI and projected (the service-account token volume included).
// Field numbers from k8s.io/api core/v1 generated.proto; options as described in ./meta.ts.
// The cloud and legacy plugins (nfs, iscsi, csi, ephemeral, image, ...) are not declared.

export const coreVolumeProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

message Volume {
  optional string name = 1 [(keep) = true];
  optional VolumeSource volumeSource = 2 [(inline) = true];
}

message VolumeSource {
  optional HostPathVolumeSource hostPath = 1;
  optional EmptyDirVolumeSource emptyDir = 2;
  optional SecretVolumeSource secret = 6;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  optional DownwardAPIVolumeSource downwardAPI = 16;
  optional ConfigMapVolumeSource configMap = 19;
  optional ProjectedVolumeSource projected = 26;
}

message HostPathVolumeSource {
  optional string path = 1 [(keep) = true];
  optional string type = 2 [(ptr) = true];
}

message EmptyDirVolumeSource {
  optional string medium = 1;
  optional .k8s.io.apimachinery.pkg.api.resource.Quantity sizeLimit = 2;
}

message SecretVolumeSource {
  optional string secretName = 1;
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}

message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1 [(keep) = true];
  optional bool readOnly = 2;
}

message ConfigMapVolumeSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}

message KeyToPath {
  optional string key = 1 [(keep) = true];
  optional string path = 2 [(keep) = true];
  optional int32 mode = 3 [(ptr) = true];
}

message DownwardAPIVolumeSource {
  repeated DownwardAPIVolumeFile items = 1;
  optional int32 defaultMode = 2 [(ptr) = true];
}

message DownwardAPIVolumeFile {
  optional string path = 1 [(keep) = true];
  optional ObjectFieldSelector fieldRef = 2;
  optional ResourceFieldSelector resourceFieldRef = 3;
  optional int32 mode = 4 [(ptr) = true];
}

message ProjectedVolumeSource {
  repeated VolumeProjection sources = 1 [(keep) = true];
  optional int32 defaultMode = 2 [(ptr) = true];
}

message VolumeProjection {
  optional SecretProjection secret = 1;
  optional DownwardAPIProjection downwardAPI = 2;
  optional ConfigMapProjection configMap = 3;
  optional ServiceAccountTokenProjection serviceAccountToken = 4;
}

message SecretProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}

message ConfigMapProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}

message DownwardAPIProjection {
  repeated DownwardAPIVolumeFile items = 1;
}

message ServiceAccountTokenProjection {
  optional string audience = 1;
  optional int64 expirationSeconds = 2 [(ptr) = true];
  optional string path = 3 [(keep) = true];
}
`;
