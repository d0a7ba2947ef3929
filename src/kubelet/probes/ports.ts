// A probe's port: a number, or the name of one of the container's ports (pkg/probe/util.go).
import { goQuote } from './go-text.js';

/** Why a probe's port could not be resolved; the attempt is then unknown, with this text. */
export class PortError extends Error {
  override readonly name = 'PortError';
}

/**
 * The port number a probe names. A string is looked up among the container's ports by name, then
 * read as a number ("8080"), as the kubelet does — its error texts are strconv's and the prober's.
 */
export function resolveProbePort(port: number | string, ports: ReadonlyArray<{ name?: string; containerPort: number }>): number {
  let n: number;
  if (typeof port === 'number') {
    n = port;
  } else {
    const named = ports.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new PortError(`strconv.Atoi: parsing ${goQuote(port)}: invalid syntax`);
  }
  if (!Number.isInteger(n) || n <= 0 || n >= 65536) throw new PortError(`invalid port number: ${n}`);
  return n;
}
