// The kubelet's probes: the shapes shared by the probe handlers (one attempt) and the manager
// (workers, thresholds, results). Semantics follow pkg/kubelet/prober and pkg/probe.

/** Which of a container's probes. */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/**
 * The outcome of one probe attempt, as pkg/probe's Result:
 * - success: healthy; output is what the probe said (HTTP body, exec output, "service healthy").
 * - warning: healthy, with something to tell (an HTTP redirect to another host was not followed);
 *   the manager counts it as a success and reports a ProbeWarning event.
 * - failure: unhealthy; output is the kubelet's failure text ("HTTP probe failed with statuscode: 500").
 * - unknown: the probe could not be run (unresolvable port, runtime error); output is the error text.
 *   The manager retries it twice at once, then throws the result away (it counts for nothing).
 */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome { result: ProbeResult; output: string }

/** What a probe needs to reach one running container. */
export interface ProbeTarget {
  /** The pod's IP: httpGet/tcpSocket without a host, and grpc, connect here. */
  podIP: string;
  /** The node's IP: used instead of podIP when podIP is empty on a hostNetwork pod. */
  hostIP: string;
  hostNetwork: boolean;
  containerId: string;
  /** The container's declared ports, for probes naming a port. */
  ports: ReadonlyArray<{ name?: string; containerPort: number }>;
  /**
   * Runs cmd in the container and waits (CRI ExecSync). A non-zero exit is a result, not an error.
   * On timeout, reject with ExecTimeoutError or with an error whose numeric `code` is 4 (gRPC
   * DEADLINE_EXCEEDED, what containerd answers and CriError carries): the probe then fails with
   * `command "…" timed out`. Any other rejection makes the attempt unknown.
   */
  exec(cmd: string[], timeoutSeconds: number): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }>;
}

/** ProbeTarget.exec's way to say the command outlived its timeout. */
export class ExecTimeoutError extends Error {
  override readonly name = 'ExecTimeoutError';
}

/** The address probes connect to when the probe names no host. */
export function probeHost(t: Pick<ProbeTarget, 'podIP' | 'hostIP' | 'hostNetwork'>): string {
  return t.podIP || (t.hostNetwork ? t.hostIP : '');
}

/** The User-Agent of HTTP and gRPC probes: kube-probe/<major>.<minor> of the Kubernetes we match. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';
