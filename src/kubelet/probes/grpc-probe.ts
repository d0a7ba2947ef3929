// grpc probes (pkg/probe/grpc): connect to the pod's IP in plain text within the timeout, call
// grpc.health.v1.Health/Check for the probe's service; SERVING is success. Every other outcome is
// a failure, with the kubelet's texts ("service unhealthy (responded with \"NOT_SERVING\")").
import * as grpc from '@grpc/grpc-js';
import { goDuration, goQuote, grpcErrorText, joinHostPort } from './go-text.js';
import {
  HEALTH_CHECK_PATH, SERVING, SERVING_STATUS, decodeHealthCheckResponse, encodeHealthCheckRequest,
  type HealthCheckResponse,
} from './grpc-health.js';
import { PROBE_USER_AGENT, type ProbeOutcome } from './types.js';

const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });

export async function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const deadline = Date.now() + timeoutMs;
  const client = new grpc.Client(addr, grpc.credentials.createInsecure(), {
    'grpc.primary_user_agent': PROBE_USER_AGENT,
    'grpc.enable_retries': 0,
  });
  try {
    // Like grpc.WithBlock: keep trying to connect until the deadline.
    const connectError = await new Promise<Error | undefined>((resolve) => client.waitForReady(deadline, resolve));
    if (connectError) {
      return failure(`timeout: failed to connect service ${goQuote(addr)} within ${goDuration(timeoutMs)}: context deadline exceeded`);
    }
    const reply = await new Promise<{ err: grpc.ServiceError | null; res?: HealthCheckResponse }>((resolve) => {
      client.makeUnaryRequest(HEALTH_CHECK_PATH, encodeHealthCheckRequest, decodeHealthCheckResponse, { service },
        new grpc.Metadata(), { deadline }, (err, res) => resolve({ err, res }));
    });
    if (reply.err) {
      const { code, details } = reply.err;
      if (code === grpc.status.UNIMPLEMENTED) {
        return failure(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${details}`);
      }
      if (code === grpc.status.DEADLINE_EXCEEDED) return failure(`timeout: health rpc did not complete within ${goDuration(timeoutMs)}`);
      return failure(`error: health rpc probe failed: ${grpcErrorText(code, details)}`);
    }
    const status = reply.res?.status ?? 0;
    if (status !== SERVING) return failure(`service unhealthy (responded with ${goQuote(SERVING_STATUS[status] ?? String(status))})`);
    return { result: 'success', output: 'service healthy' };
  } finally {
    client.close();
  }
}
