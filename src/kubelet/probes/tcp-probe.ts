// tcpSocket probes: success when a TCP connection opens within the timeout (pkg/probe/tcp).
// The deadline is wall-clock time: it bounds real network I/O, not the probe schedule.
import { connect } from 'node:net';
import { dialErrorText, dialTimeoutText } from './go-text.js';
import type { ProbeOutcome } from './types.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const finish = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: dialTimeoutText(host, port) }), timeoutMs);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (e) => finish({ result: 'failure', output: dialErrorText(e, host, port) }));
  });
}
