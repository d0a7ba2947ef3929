// exec probes: run the command in the container through the runtime (CRI ExecSync); exit 0 is
// success. Output is stdout then stderr, at most 10 KiB (pkg/probe/exec, kuberuntime RunInContainer).
import { errorText, goQuote } from './go-text.js';
import { ExecTimeoutError, type ProbeOutcome, type ProbeTarget } from './types.js';

const MAX_OUTPUT_BYTES = 10 * 1024;
const GRPC_DEADLINE_EXCEEDED = 4;
// How long past its timeout an exec may take before we stop waiting for the runtime's answer
// (the kubelet gives the runtime its RPC timeout on top of the probe's).
const RUNTIME_GRACE_MS = 10_000;

function isTimeout(e: unknown): boolean {
  return e instanceof ExecTimeoutError || (e as { code?: unknown } | undefined)?.code === GRPC_DEADLINE_EXCEEDED;
}

export async function execProbe(command: readonly string[], t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const cmd = [...command];
  const timedOut = { result: 'failure', output: `command ${goQuote(cmd.join(' '))} timed out` } as const;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  try {
    const res = await Promise.race([
      t.exec(cmd, Math.max(1, Math.ceil(timeoutMs / 1000))),
      new Promise<never>((_, reject) => {
        watchdog = setTimeout(() => reject(new ExecTimeoutError('exec did not return')), timeoutMs + RUNTIME_GRACE_MS);
      }),
    ]);
    const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
    return { result: res.exitCode === 0 ? 'success' : 'failure', output };
  } catch (e) {
    if (isTimeout(e)) return timedOut;
    return { result: 'unknown', output: errorText(e) };
  } finally {
    clearTimeout(watchdog);
  }
}
