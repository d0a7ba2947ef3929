// The slice of etcd's v3 gRPC API the store speaks: KV (Range, Txn, Compact) and Watch. Written for
// k8ts from etcd's published API (package etcdserverpb; field numbers as etcd defines them, since
// they are the wire format). Fields etcd sends that are not listed here are skipped by the decoder.
// The description lives in this module rather than a .proto file so the compiled output needs no
// data files beside it.
// https://etcd.io/docs/v3.5/learning/api/
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const ETCD_PROTO = `
syntax = "proto3";
package etcdserverpb;

service KV {
  rpc Range(RangeRequest) returns (RangeResponse) {}
  rpc Txn(TxnRequest) returns (TxnResponse) {}
  rpc Compact(CompactionRequest) returns (CompactionResponse) {}
}

service Watch {
  rpc Watch(stream WatchRequest) returns (stream WatchResponse) {}
}

// mvccpb.KeyValue: one version of a key.
message KeyValue {
  bytes key = 1;
  int64 create_revision = 2;
  int64 mod_revision = 3;
  int64 version = 4;
  bytes value = 5;
}

// mvccpb.Event. A DELETE's kv carries only the key and the delete's revision.
message Event {
  enum EventType {
    PUT = 0;
    DELETE = 1;
  }
  EventType type = 1;
  KeyValue kv = 2;
  KeyValue prev_kv = 3;
}

message ResponseHeader {
  int64 revision = 3;
}

// [key, range_end): range_end empty = just key; "\\0" = every key from key on.
message RangeRequest {
  bytes key = 1;
  bytes range_end = 2;
  int64 limit = 3;
  int64 revision = 4;
  bool serializable = 7;
  bool keys_only = 8;
  bool count_only = 9;
}

message RangeResponse {
  ResponseHeader header = 1;
  repeated KeyValue kvs = 2;
  bool more = 3;
  // Keys in the range at the read revision, whatever the limit.
  int64 count = 4;
}

message PutRequest {
  bytes key = 1;
  bytes value = 2;
  bool prev_kv = 4;
}

message PutResponse {
  ResponseHeader header = 1;
  KeyValue prev_kv = 2;
}

message DeleteRangeRequest {
  bytes key = 1;
  bytes range_end = 2;
  bool prev_kv = 3;
}

message DeleteRangeResponse {
  ResponseHeader header = 1;
  int64 deleted = 2;
  repeated KeyValue prev_kvs = 3;
}

message RequestOp {
  oneof request {
    RangeRequest request_range = 1;
    PutRequest request_put = 2;
    DeleteRangeRequest request_delete_range = 3;
  }
}

message ResponseOp {
  oneof response {
    RangeResponse response_range = 1;
    PutResponse response_put = 2;
    DeleteRangeResponse response_delete_range = 3;
  }
}

// A missing key has version, create_revision and mod_revision 0.
message Compare {
  enum CompareResult {
    EQUAL = 0;
    GREATER = 1;
    LESS = 2;
    NOT_EQUAL = 3;
  }
  enum CompareTarget {
    VERSION = 0;
    CREATE = 1;
    MOD = 2;
    VALUE = 3;
  }
  CompareResult result = 1;
  CompareTarget target = 2;
  bytes key = 3;
  oneof target_union {
    int64 version = 4;
    int64 create_revision = 5;
    int64 mod_revision = 6;
    bytes value = 7;
  }
}

// All compares hold: success runs; otherwise failure runs. Writes take one revision together.
message TxnRequest {
  repeated Compare compare = 1;
  repeated RequestOp success = 2;
  repeated RequestOp failure = 3;
}

message TxnResponse {
  ResponseHeader header = 1;
  bool succeeded = 2;
  repeated ResponseOp responses = 3;
}

message CompactionRequest {
  int64 revision = 1;
  // Answer only once the backend has dropped the history.
  bool physical = 2;
}

message CompactionResponse {
  ResponseHeader header = 1;
}

message WatchRequest {
  oneof request_union {
    WatchCreateRequest create_request = 1;
    WatchCancelRequest cancel_request = 2;
  }
}

message WatchCreateRequest {
  bytes key = 1;
  bytes range_end = 2;
  // Inclusive; 0 = from now.
  int64 start_revision = 3;
  bool progress_notify = 4;
  bool prev_kv = 6;
  // Lets etcd split one huge revision over several responses (flagged 'fragment').
  bool fragment = 8;
}

message WatchCancelRequest {
  int64 watch_id = 1;
}

message WatchResponse {
  ResponseHeader header = 1;
  int64 watch_id = 2;
  bool created = 3;
  bool canceled = 4;
  // Set when the start revision was compacted: the oldest revision still watchable.
  int64 compact_revision = 5;
  string cancel_reason = 6;
  bool fragment = 7;
  repeated Event events = 11;
}
`;

// Decoded message shapes (snake_case as on the wire; int64 as number, bytes as Buffer).
export interface PbKeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
}
export interface PbHeader { revision: number }
export interface PbRangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  keys_only?: boolean;
  count_only?: boolean;
}
export interface PbRangeResponse { header: PbHeader; kvs: PbKeyValue[]; more: boolean; count: number }
export interface PbPutRequest { key: Buffer; value: Buffer; prev_kv?: boolean }
export interface PbDeleteRequest { key: Buffer; range_end?: Buffer; prev_kv?: boolean }
export type PbRequestOp =
  | { request_range: PbRangeRequest }
  | { request_put: PbPutRequest }
  | { request_delete_range: PbDeleteRequest };
export interface PbResponseOp {
  response_range?: PbRangeResponse | null;
  response_put?: { header: PbHeader; prev_kv?: PbKeyValue | null } | null;
  response_delete_range?: { header: PbHeader; deleted: number; prev_kvs: PbKeyValue[] } | null;
}
export const CompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
export const CompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3 } as const;
export interface PbCompare {
  result: number;
  target: number;
  key: Buffer;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
}
export interface PbTxnRequest { compare: PbCompare[]; success: PbRequestOp[]; failure: PbRequestOp[] }
export interface PbTxnResponse { header: PbHeader; succeeded: boolean; responses: PbResponseOp[] }
export interface PbCompactionRequest { revision: number; physical: boolean }
export const EventType = { PUT: 0, DELETE: 1 } as const;
export interface PbEvent { type: number; kv: PbKeyValue; prev_kv?: PbKeyValue | null }
export interface PbWatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: number;
  prev_kv: boolean;
  fragment: boolean;
}
export type PbWatchRequest = { create_request: PbWatchCreateRequest } | { cancel_request: { watch_id: number } };
export interface PbWatchResponse {
  header: PbHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: PbEvent[];
}

export interface EtcdServices {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
}

let loaded: EtcdServices | undefined;

/** The KV and Watch client constructors (parsed on first use). */
export function etcdServices(): EtcdServices {
  if (loaded) return loaded;
  const root = protobuf.parse(ETCD_PROTO, { keepCase: true }).root;
  const def = protoLoader.fromJSON(root.toJSON(), { longs: Number, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: EtcdServices };
  loaded = { KV: pkg.etcdserverpb.KV, Watch: pkg.etcdserverpb.Watch };
  return loaded;
}
