// Non-resource endpoints: /version, health checks.
import type { ServerResponse } from 'node:http';
import { writeJson } from '../http/respond.js';

export const K8TS_VERSION = '0.1.0';

/** The Kubernetes version whose API k8ts serves (what kubectl's version skew check compares). */
export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts.0.1.0' } as const;

export function versionInfo() {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: KUBE_VERSION.gitVersion,
    gitCommit: 'k8ts',
    gitTreeState: 'clean',
    buildDate: '2026-11-25T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export type HealthCheck = { name: string; check: () => Promise<void> };

/** /healthz, /livez, /readyz: "ok", or with ?verbose the list of checks, 500 when one fails. */
export async function serveHealth(res: ServerResponse, checks: readonly HealthCheck[], verbose: boolean): Promise<void> {
  const lines: string[] = [];
  let failed = false;
  for (const c of checks) {
    try { await c.check(); lines.push(`[+]${c.name} ok`); } catch { failed = true; lines.push(`[-]${c.name} failed: reason withheld`); }
  }
  const body = verbose || failed
    ? `${lines.join('\n')}\n${failed ? 'healthz check failed' : 'healthz check passed'}\n`
    : 'ok';
  res.writeHead(failed ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

export function serveVersion(res: ServerResponse): void {
  writeJson(res, 200, versionInfo());
}
