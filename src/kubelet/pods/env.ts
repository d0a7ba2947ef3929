// A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// service links first, then envFrom, then env in order, each value with $(VAR) references expanded
// against what came before. A missing ConfigMap/Secret (or key) that is not optional is a
// CreateContainerConfigError with kube's message.
import { intValue, parseQuantity, toMilli } from '../../machinery/quantity.js';
import type { ConfigMap, Container, Pod, Secret, Service } from '../api-types.js';
import { volumeFieldValue } from '../volumes/downward.js';

export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
}

export interface EnvSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Services whose variables a pod sees: its namespace's, plus `kubernetes` of default. */
  services(namespace: string): Promise<Service[]>;
  hostIP: string;
  podIPs: string[];
  /** Node allocatable, for resourceFieldRef on a container without a limit. */
  allocatable: { cpuMilli: number; memoryBytes: number; ephemeralBytes: number };
}

/** $(VAR) → value when VAR is defined; $$(VAR) → $(VAR); anything else kept as written (expansion.Expand). */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) { out += c; continue; }
    const n = input[i + 1];
    if (n === '$') { out += '$'; i++; continue; }
    if (n === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) { out += input.slice(i); break; }
      const name = input.slice(i + 2, close);
      const v = vars.get(name);
      out += v ?? `$(${name})`;
      i = close;
      continue;
    }
    out += c;
  }
  return out;
}

const serviceEnvName = (name: string): string => name.toUpperCase().replace(/-/g, '_');

/** Docker-link style variables for each service with a cluster IP (pkg/kubelet/envvars). */
export function serviceEnv(services: readonly Service[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    const ports = s.spec?.ports ?? [];
    if (!ip || ip === 'None' || !ports.length) continue;
    const base = serviceEnvName(s.metadata?.name ?? '');
    const first = ports[0]!;
    out.push([`${base}_SERVICE_HOST`, ip], [`${base}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${base}_SERVICE_PORT_${serviceEnvName(p.name)}`, String(p.port)]);
    const proto = (first.protocol ?? 'TCP').toLowerCase();
    out.push([`${base}_PORT`, `${proto}://${ip}:${first.port}`]);
    for (const p of ports) {
      const pr = (p.protocol ?? 'TCP');
      const prefix = `${base}_PORT_${p.port}_${pr.toUpperCase()}`;
      out.push([prefix, `${pr.toLowerCase()}://${ip}:${p.port}`], [`${prefix}_PROTO`, pr.toLowerCase()], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
    }
  }
  return out;
}

function fieldValue(pod: Pod, path: string, src: EnvSources): string {
  if (path.startsWith('metadata.')) {
    try { return volumeFieldValue(pod, path); } catch { throw new ContainerConfigError(`unsupported fieldPath: ${path}`); }
  }
  switch (path) {
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? 'default';
    case 'status.hostIP': return src.hostIP;
    case 'status.hostIPs': return src.hostIP;
    case 'status.podIP': return pod.spec.hostNetwork ? src.hostIP : (src.podIPs[0] ?? '');
    case 'status.podIPs': return pod.spec.hostNetwork ? src.hostIP : src.podIPs.join(',');
    default: throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

/** resourceFieldRef: the container's limit (node allocatable when none) or request, divided and rounded up. */
export function resourceValue(pod: Pod, self: Container, ref: { containerName?: string; resource: string; divisor?: string | number }, alloc: EnvSources['allocatable']): string {
  const c = ref.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === ref.containerName) : self;
  if (!c) throw new ContainerConfigError(`container ${ref.containerName} not found in pod`);
  const [kind, res] = ref.resource.split('.') as [string, string];
  const raw = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[res];
  const divisor = ref.divisor === undefined || ref.divisor === '0' || ref.divisor === 0 ? undefined : parseQuantity(ref.divisor);
  if (res === 'cpu') {
    const milli = raw !== undefined ? toMilli(parseQuantity(raw)) : kind === 'limits' ? alloc.cpuMilli : 0;
    const div = divisor ? toMilli(divisor) : 1000;
    return String(Math.max(kind === 'limits' ? 1 : 0, Math.ceil(milli / div)));
  }
  const bytes = raw !== undefined ? intValue(parseQuantity(raw)) : kind === 'limits' ? (res === 'memory' ? alloc.memoryBytes : alloc.ephemeralBytes) : 0;
  const div = divisor ? intValue(divisor) : 1;
  return String(Math.ceil(bytes / div));
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** The container's environment, in the order the kubelet hands it to the runtime. */
export async function containerEnv(pod: Pod, c: Container, src: EnvSources): Promise<Array<[string, string]>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  // The master service's variables are always there; other services only with enableServiceLinks.
  const all = await src.services(ns);
  const wanted = pod.spec.enableServiceLinks === false ? all.filter((s) => s.metadata?.name === 'kubernetes' && s.metadata.namespace === 'default') : all;
  for (const [k, v] of serviceEnv(wanted)) vars.set(k, v);
  const env = new Map<string, string>();
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await src.configMap(ns, from.configMapRef.name);
      if (!cm) { if (from.configMapRef.optional) continue; throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`); }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = await src.secret(ns, from.secretRef.name);
      if (!s) { if (from.secretRef.optional) continue; throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`); }
      for (const [k, v] of Object.entries(s.data ?? {})) env.set(prefix + k, decode(v));
    }
  }
  const scope = (): Map<string, string> => new Map([...vars, ...env]);
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.valueFrom) {
      const f = e.valueFrom;
      if (f.fieldRef) value = fieldValue(pod, f.fieldRef.fieldPath, src);
      else if (f.resourceFieldRef) value = resourceValue(pod, c, f.resourceFieldRef, src.allocatable);
      else if (f.configMapKeyRef) {
        const r = f.configMapKeyRef;
        const cm = await src.configMap(ns, r.name ?? '');
        if (!cm) { if (r.optional) continue; throw new ContainerConfigError(`configmap "${r.name}" not found`); }
        value = cm.data?.[r.key];
        if (value === undefined) { if (r.optional) continue; throw new ContainerConfigError(`couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}`); }
      } else if (f.secretKeyRef) {
        const r = f.secretKeyRef;
        const s = await src.secret(ns, r.name ?? '');
        if (!s) { if (r.optional) continue; throw new ContainerConfigError(`secret "${r.name}" not found`); }
        const raw = s.data?.[r.key];
        if (raw === undefined) { if (r.optional) continue; throw new ContainerConfigError(`couldn't find key ${r.key} in Secret ${ns}/${r.name}`); }
        value = decode(raw);
      }
    } else {
      value = expand(e.value ?? '', scope());
    }
    env.set(e.name, value ?? '');
  }
  return [...scope().entries()];
}

/** command/args with $(VAR) expanded against the container's environment. */
export function expandCommand(list: readonly string[] | undefined, env: ReadonlyArray<[string, string]>): string[] {
  const vars = new Map(env);
  return (list ?? []).map((s) => expand(s, vars));
}
