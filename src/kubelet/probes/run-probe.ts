// One probe attempt, whatever its handler: exec, httpGet, tcpSocket or grpc (pkg/kubelet/prober
// prober.go runProbe). Never rejects: a probe that cannot run is 'unknown', with the reason.
import type { Probe } from '../api-types.js';
import { execProbe } from './exec-probe.js';
import { errorText } from './go-text.js';
import { grpcProbe } from './grpc-probe.js';
import { httpProbe } from './http-probe.js';
import { resolveProbePort } from './ports.js';
import { tcpProbe } from './tcp-probe.js';
import { probeHost, type ProbeOutcome, type ProbeTarget } from './types.js';

/**
 * Runs `probe` once against the container `t` describes, giving up after timeoutMs (wall-clock).
 * The exec command is run as given: $(VAR) expansion is the caller's (see expandProbeCommand).
 */
export async function runProbe(probe: Probe, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    if (probe.exec) return await execProbe(probe.exec.command ?? [], t, timeoutMs);
    if (probe.httpGet) return await httpProbe(probe.httpGet, t, timeoutMs);
    if (probe.tcpSocket) {
      const port = resolveProbePort(probe.tcpSocket.port, t.ports);
      return await tcpProbe(probe.tcpSocket.host || probeHost(t), port, timeoutMs);
    }
    if (probe.grpc) return await grpcProbe(probeHost(t), probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
    return { result: 'unknown', output: 'missing probe handler' };
  } catch (e) {
    return { result: 'unknown', output: errorText(e) };
  }
}
