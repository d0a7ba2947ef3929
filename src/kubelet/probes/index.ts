// The kubelet's probes: liveness, readiness and startup (exec, httpGet, tcpSocket, grpc).
export type { ProbeKind, ProbeResult, ProbeOutcome, ProbeTarget } from './types.js';
export { ExecTimeoutError, PROBE_USER_AGENT } from './types.js';
export { runProbe } from './run-probe.js';
export { ProbeManager } from './manager.js';
export type { ProbeManagerOptions, RunningContainer, ProbeFailure } from './manager.js';
export { probeTiming, type ProbeTiming } from './worker.js';
export { expandProbeCommand, expandVars } from './expand.js';
export { healthServiceDefinition, SERVING_STATUS } from './grpc-health.js';
