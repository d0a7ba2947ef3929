// SPDX-License-Identifier: Apache-2.0
// The kubelet API's paths (pkg/kubelet/server/server.go InstallAuthRequiredHandlers), parsed.
export type KubeletRoute =
  | { kind: 'healthz' }
  | { kind: 'pods' }
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach' | 'run'; namespace: string; pod: string; uid?: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string; uid?: string };

export function parseRoute(pathname: string): KubeletRoute | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [head, ...rest] = parts;
  switch (head) {
    case 'healthz': return rest.length === 0 ? { kind: 'healthz' } : undefined;
    case 'pods': return rest.length === 0 ? { kind: 'pods' } : undefined;
    case 'containerLogs': {
      const [namespace, pod, container] = rest;
      return rest.length === 3 && namespace && pod && container ? { kind: 'containerLogs', namespace, pod, container } : undefined;
    }
    case 'exec': case 'attach': case 'run': {
      // /{namespace}/{pod}/{container} or /{namespace}/{pod}/{uid}/{container}
      if (rest.length === 3) { const [namespace = '', pod = '', container = ''] = rest; return { kind: head, namespace, pod, container }; }
      if (rest.length === 4) { const [namespace = '', pod = '', uid = '', container = ''] = rest; return { kind: head, namespace, pod, uid, container }; }
      return undefined;
    }
    case 'portForward': {
      if (rest.length === 2) { const [namespace = '', pod = ''] = rest; return { kind: 'portForward', namespace, pod }; }
      if (rest.length === 3) { const [namespace = '', pod = '', uid = ''] = rest; return { kind: 'portForward', namespace, pod, uid }; }
      return undefined;
    }
    default: return undefined;
  }
}
