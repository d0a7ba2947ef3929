// The text of Go errors the kubelet's probes put in events, made from Node's errors, so
// `kubectl describe pod` reads as on a real node ("dial tcp 10.0.0.5:8080: connect: connection refused").

/** net.JoinHostPort: IPv6 literals in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Linux errno text as Go's syscall.Errno prints it.
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EADDRINUSE: 'address already in use',
  EPIPE: 'broken pipe',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

const errCode = (e: unknown): string | undefined => {
  const c = (e as { code?: unknown } | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
};
const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A failed connect, as Go's net.Dial reports it: "dial tcp 10.0.0.5:80: connect: connection refused". */
export function dialErrorText(e: unknown, host: string, port: number): string {
  const code = errCode(e);
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${host}: no such host`;
  if (code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: server misbehaving`;
  const text = code ? ERRNO_TEXT[code] : undefined;
  return `dial tcp ${joinHostPort(host, port)}: connect: ${text ?? errMessage(e)}`;
}

/** The dial timeout text: "dial tcp 10.0.0.5:80: i/o timeout". */
export function dialTimeoutText(host: string, port: number): string {
  return `dial tcp ${joinHostPort(host, port)}: i/o timeout`;
}

/** An error on an established connection, as Go's HTTP transport reports it. */
export function connErrorText(e: unknown, local: string | undefined, remote: string): string {
  const code = errCode(e);
  // Node says "socket hang up" when the peer closed without answering; Go says EOF.
  if (code === 'ECONNRESET' && errMessage(e) === 'socket hang up') return 'EOF';
  if (code === 'ECONNRESET') return `read tcp ${local ?? '?'}->${remote}: read: connection reset by peer`;
  if (code === 'EPIPE') return `write tcp ${local ?? '?'}->${remote}: write: broken pipe`;
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL')) return `tls: ${errMessage(e)}`;
  if (code?.startsWith('HPE_')) return `net/http: HTTP/1.x transport connection broken: malformed HTTP response (${errMessage(e)})`;
  const text = code ? ERRNO_TEXT[code] : undefined;
  return text ?? errMessage(e);
}

/** strconv.Quote / fmt's %q. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0xfffd) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** time.Duration's String for a whole or fractional number of milliseconds: "1s", "500ms", "1m30s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

// grpc-go's codes.Code String(), by status number.
const GRPC_CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound',
  'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
  'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** A gRPC status as grpc-go's status error prints it: "rpc error: code = NotFound desc = …". */
export function grpcErrorText(code: number, details: string): string {
  return `rpc error: code = ${GRPC_CODE_NAMES[code] ?? `Code(${code})`} desc = ${details}`;
}

/** An error's text as a Go caller would print it: gRPC statuses (grpc-js, CriError) in grpc-go's form. */
export function errorText(e: unknown): string {
  const o = e as { code?: unknown; details?: unknown } | undefined;
  if (o && typeof o.code === 'number' && typeof o.details === 'string') return grpcErrorText(o.code, o.details);
  return errMessage(e);
}
