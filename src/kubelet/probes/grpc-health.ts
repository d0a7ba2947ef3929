// The gRPC health checking protocol (grpc.health.v1.Health/Check, grpc/grpc-proto health.proto):
// two one-field messages, encoded here by hand with protobufjs' Reader/Writer rather than loading
// a .proto file at run time. Both the probe (client) and any health server can use the definition.
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** HealthCheckResponse.ServingStatus, by number. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export const SERVING = 1;

export interface HealthCheckRequest { service: string }
export interface HealthCheckResponse { status: number }

// field 1, wire type 2 (length-delimited) and 0 (varint)
const TAG_STRING_1 = (1 << 3) | 2;
const TAG_VARINT_1 = (1 << 3) | 0;

export function encodeHealthCheckRequest(r: HealthCheckRequest): Buffer {
  const w = protobuf.Writer.create();
  if (r.service) w.uint32(TAG_STRING_1).string(r.service);
  return Buffer.from(w.finish());
}

export function decodeHealthCheckRequest(b: Buffer): HealthCheckRequest {
  return { service: readField1(b, TAG_STRING_1, (r) => r.string(), '') };
}

export function encodeHealthCheckResponse(r: HealthCheckResponse): Buffer {
  const w = protobuf.Writer.create();
  if (r.status) w.uint32(TAG_VARINT_1).int32(r.status);
  return Buffer.from(w.finish());
}

export function decodeHealthCheckResponse(b: Buffer): HealthCheckResponse {
  return { status: readField1(b, TAG_VARINT_1, (r) => r.int32(), 0) };
}

/** Field 1 of a one-field message (the last occurrence wins, as protobuf says); others are skipped. */
function readField1<T>(b: Buffer, tag: number, read: (r: protobuf.Reader) => T, empty: T): T {
  const r = protobuf.Reader.create(b);
  let value = empty;
  while (r.pos < r.len) {
    const t = r.uint32();
    if (t === tag) value = read(r);
    else r.skipType(t & 7);
  }
  return value;
}

/** The Health service with its Check method (the Watch stream is not used by probes). */
export const healthServiceDefinition = {
  Check: {
    path: HEALTH_CHECK_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthCheckRequest,
    requestDeserialize: decodeHealthCheckRequest,
    responseSerialize: encodeHealthCheckResponse,
    responseDeserialize: decodeHealthCheckResponse,
  },
} satisfies ServiceDefinition;
