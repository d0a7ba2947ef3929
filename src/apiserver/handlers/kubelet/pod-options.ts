// SPDX-License-Identifier: Apache-2.0
// The query options of pods/log, pods/exec, pods/attach and pods/portforward (core/v1
// PodLogOptions, PodExecOptions, PodAttachOptions, PodPortForwardOptions), decoded and validated
// as kube-apiserver does, and the kubelet query each becomes (pkg/registry/core/pod/strategy.go
// LogLocation, streamParams).
import type { KubeObject } from '../../../machinery/object.js';
import { badRequest, field, invalid, type FieldError } from '../../../machinery/errors.js';

function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** pods/log → the kubelet's /containerLogs query. Throws 422 Invalid as ValidatePodLogOptions. */
export function podLogQuery(q: URLSearchParams, podName: string): { container: string; kubeletQuery: URLSearchParams } {
  const follow = bool(q, 'follow');
  const previous = bool(q, 'previous');
  const timestamps = bool(q, 'timestamps');
  const tailLines = int(q, 'tailLines');
  const limitBytes = int(q, 'limitBytes');
  const sinceSeconds = int(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime') || undefined;
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push(field.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) errs.push(field.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime !== undefined) errs.push(field.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errs.push(field.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as RFC3339: cannot parse`);
  if (errs.length > 0) throw invalid('PodLogOptions', '', podName, errs);
  const out = new URLSearchParams();
  if (follow) out.set('follow', 'true');
  if (previous) out.set('previous', 'true');
  if (timestamps) out.set('timestamps', 'true');
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime !== undefined) out.set('sinceTime', sinceTime);
  if (tailLines !== undefined) out.set('tailLines', String(tailLines));
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes));
  return { container: q.get('container') ?? '', kubeletQuery: out };
}

/** pods/exec and pods/attach → the kubelet query ("input", "output", "error", "tty" as "1"; "command" repeated). */
export function streamQuery(q: URLSearchParams, withCommand: boolean): { container: string; kubeletQuery: URLSearchParams } {
  const stdin = bool(q, 'stdin');
  const stdout = bool(q, 'stdout');
  const stderr = bool(q, 'stderr');
  const tty = bool(q, 'tty');
  if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least one of stdin, stdout, stderr');
  const out = new URLSearchParams();
  if (stdin) out.set('input', '1');
  if (stdout) out.set('output', '1');
  if (stderr) out.set('error', '1');
  if (tty) out.set('tty', '1');
  if (withCommand) {
    const command = q.getAll('command');
    if (command.length === 0) throw invalid('PodExecOptions', '', '', [field.required('command', '')]);
    for (const c of command) out.append('command', c);
  }
  return { container: q.get('container') ?? '', kubeletQuery: out };
}

/** pods/portforward → the kubelet query (`port=80,443`). */
export function portForwardQuery(q: URLSearchParams): URLSearchParams {
  const ports: string[] = [];
  for (const v of q.getAll('ports')) {
    for (const p of v.split(',')) {
      const n = Number(p.trim());
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw badRequest(`invalid port ${JSON.stringify(p)}`);
      ports.push(String(n));
    }
  }
  const out = new URLSearchParams();
  if (ports.length > 0) out.set('port', ports.join(','));
  return out;
}

interface PodSpecNames { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> }

/** kube's validateContainer: the named container, or the only one; 400 otherwise. */
export function podContainer(pod: KubeObject, requested: string): string {
  const spec = (pod.spec ?? {}) as PodSpecNames;
  const name = pod.metadata?.name ?? '';
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (requested === '') {
    const containers = spec.containers ?? [];
    if (containers.length === 1) return containers[0]?.name ?? '';
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}
