// ClusterIP and NodePort allocation for Services (pkg/registry/core/service/ipallocator, portallocator):
// a free address from the service CIDR, a free port from 30000-32767, kept on update, released with
// the Service. Allocations are derived from the stored Services, plus those promised to writes in flight.
import { randomInt } from 'node:crypto';
import { invalid } from '../../machinery/errors.js';
import type { AdmissionPlugin, RegistryDeps } from '../registry/context.js';
import { listObjects } from '../registry/read.js';
import { matchAll } from '../registry/filter.js';

export interface ServiceCidr { base: number; size: number }

export function parseCidr(cidr: string): ServiceCidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const [a, b, c, d, bits] = m.slice(1).map(Number) as [number, number, number, number, number];
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const base = (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & mask;
  return { base, size: 2 ** (32 - bits) };
}

export const ipString = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

export function firstServiceIP(cidr: ServiceCidr): string { return ipString(cidr.base + 1); }

interface ServiceSpec {
  type?: string; clusterIP?: string; clusterIPs?: string[];
  ports?: Array<{ nodePort?: number; port?: number }>;
}

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

export function serviceAllocation(deps: () => RegistryDeps, cidrText: string): AdmissionPlugin {
  const cidr = parseCidr(cidrText);
  const pendingIPs = new Set<string>();
  const pendingPorts = new Set<number>();

  async function inUse(exceptUid: string | undefined): Promise<{ ips: Set<string>; ports: Set<number> }> {
    const d = deps();
    const def = d.resource('', 'v1', 'services');
    const ips = new Set(pendingIPs);
    const ports = new Set(pendingPorts);
    if (!def) return { ips, ports };
    const all = await listObjects(d, def, '', { resourceVersion: '', resourceVersionMatch: '', limit: 0, continueToken: '', filter: matchAll });
    for (const svc of all.items) {
      if (svc.metadata?.uid === exceptUid) continue;
      const spec = (svc.spec ?? {}) as ServiceSpec;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) ips.add(ip);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    }
    return { ips, ports };
  }

  function pickIP(used: Set<string>): string {
    // Random probing, then a scan: kube allocates at random from the range.
    for (let i = 0; i < 64; i++) {
      const ip = ipString(cidr.base + 2 + randomInt(Math.max(1, cidr.size - 3)));
      if (!used.has(ip)) return ip;
    }
    for (let n = 2; n < cidr.size - 1; n++) if (!used.has(ipString(cidr.base + n))) return ipString(cidr.base + n);
    throw new Error('range is full');
  }

  function inRange(ip: string): boolean {
    const n = parseCidr(`${ip}/32`).base;
    return n > cidr.base && n < cidr.base + cidr.size - 1;
  }

  return {
    name: 'ServiceAllocation',
    async admit(req) {
      if (req.def.group !== '' || req.def.resource !== 'services' || req.operation === 'DELETE') return;
      const spec = (req.obj.spec ??= {}) as ServiceSpec;
      const old = req.old?.spec as ServiceSpec | undefined;
      if (spec.type === 'ExternalName') { delete spec.clusterIP; delete spec.clusterIPs; return; }
      const used = await inUse(req.obj.metadata?.uid);
      const name = req.obj.metadata?.name ?? '';
      if (old?.clusterIP && (spec.clusterIP === undefined || spec.clusterIP === '')) spec.clusterIP = old.clusterIP;
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        spec.clusterIP = pickIP(used.ips);
      } else if (spec.clusterIP !== 'None' && spec.clusterIP !== old?.clusterIP) {
        if (!inRange(spec.clusterIP)) {
          throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${ipString(cidr.base)}/${32 - Math.log2(cidr.size)}` }]);
        }
        if (used.ips.has(spec.clusterIP)) {
          throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
        }
      }
      spec.clusterIPs = [spec.clusterIP];
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const oldPorts = new Map((old?.ports ?? []).map((p) => [p.port, p.nodePort]));
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (!p.nodePort) p.nodePort = oldPorts.get(p.port) ?? undefined;
          if (!p.nodePort) {
            let port = 0;
            for (let t = 0; t < 256 && !port; t++) {
              const c = NODE_PORT_MIN + randomInt(NODE_PORT_MAX - NODE_PORT_MIN + 1);
              if (!used.ports.has(c)) port = c;
            }
            if (!port) throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: 'Invalid value: 0: range is full' }]);
            p.nodePort = port;
          } else if (p.nodePort !== oldPorts.get(p.port) && used.ports.has(p.nodePort)) {
            throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
          }
          used.ports.add(p.nodePort);
        }
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
      if (!req.dryRun) {
        // Hold the choices until this write has landed, so concurrent creates do not pick them too.
        const ip = spec.clusterIP;
        const ports = (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p);
        pendingIPs.add(ip);
        for (const p of ports) pendingPorts.add(p);
        setTimeout(() => { pendingIPs.delete(ip); for (const p of ports) pendingPorts.delete(p); }, 2000).unref();
      }
    },
  };
}

