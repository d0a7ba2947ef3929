// The URL an httpGet probe asks for, built as the kubelet builds it (pkg/probe/http/request.go
// formatURL): the probe's path (which may carry a query) on scheme://host:port. `display` is the
// URL as Go prints it in errors (`Get "http://10.0.0.5:8080/healthz": …`).
import { joinHostPort } from './go-text.js';

export interface ProbeUrl {
  scheme: string;
  /** Host name or IP, without brackets. */
  hostname: string;
  port: number;
  /** What goes on the request line: path and query, at least "/". */
  requestPath: string;
  display: string;
}

// Bytes a request line may carry as they are; everything else is percent-encoded (Go escapes the
// parsed path the same way; an existing %XX escape is kept).
const UNSAFE_IN_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;
const UNSAFE_IN_QUERY = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%?]/gu;
const encode = (s: string, unsafe: RegExp) => s.replace(unsafe, (ch) => encodeURIComponent(ch));

function build(scheme: string, hostname: string, port: number, hostPort: string, path: string, query: string | undefined): ProbeUrl {
  const p = encode(path, UNSAFE_IN_PATH);
  const q = query === undefined ? '' : `?${encode(query, UNSAFE_IN_QUERY)}`;
  const shown = p === '' || p.startsWith('/') ? p : `/${p}`;
  return { scheme, hostname, port, requestPath: `${shown || '/'}${q}`, display: `${scheme}://${hostPort}${shown}${q}` };
}

/** The probe's URL: `path` as written in the probe (query allowed, fragment dropped). */
export function probeUrl(scheme: string, hostname: string, port: number, path: string): ProbeUrl {
  const noFragment = path.split('#', 1)[0] ?? '';
  const q = noFragment.indexOf('?');
  const p = q < 0 ? noFragment : noFragment.slice(0, q);
  const query = q < 0 ? undefined : noFragment.slice(q + 1);
  return build(scheme, hostname, port, joinHostPort(hostname, port), p, query);
}

/** Where a redirect's Location (absolute or relative) points from `base`; throws if unparsable. */
export function resolveLocation(base: ProbeUrl, location: string): ProbeUrl {
  const u = new URL(location, base.display);
  const scheme = u.protocol.replace(/:$/, '');
  const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  return build(scheme, hostname, port, u.host, u.pathname, u.search ? u.search.slice(1) : undefined);
}
