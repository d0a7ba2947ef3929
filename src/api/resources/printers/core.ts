// Tables of core/v1 kinds other than pods, nodes, events and volumes.
// Reference: kubernetes pkg/printers/internalversion/printers.go (printService, printEndpoints, ...).
import type { TableDef } from '../../types.js';
import { replicaCountTable } from './apps.js';
import { ageColumn, ageOf, arr, column, formatLabels, nameColumn, nameOf, num, obj, quantity, str, table, type Obj } from './common.js';

/** Sorted, de-duplicated IPs (or hostnames) of a load balancer status. Server tables are wide: no clipping. */
export function loadBalancerAddresses(lb: Obj): string {
  const out = new Set<string>();
  for (const i of arr(lb['ingress'])) {
    const ing = obj(i);
    if (str(ing['ip'])) out.add(str(ing['ip']));
    else if (str(ing['hostname'])) out.add(str(ing['hostname']));
  }
  return [...out].sort().join(',');
}

function serviceExternalIP(spec: Obj, status: Obj): string {
  const externalIPs = arr(spec['externalIPs']).map(str);
  switch (spec['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj(status['loadBalancer']));
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

/** "80/TCP,443:30443/TCP" (makePortString). */
export function servicePorts(spec: Obj): string {
  const pieces = arr(spec['ports']).map((p) => {
    const port = obj(p);
    const protocol = str(port['protocol']) || 'TCP';
    const nodePort = num(port['nodePort']);
    return nodePort > 0 ? `${num(port['port'])}:${nodePort}/${protocol}` : `${num(port['port'])}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

export const serviceTable: TableDef = table([
  nameColumn,
  column('Type', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
  column('Cluster-IP', 'The IP address of the service inside the cluster.'),
  column('External-IP', 'Addresses the service is reachable on from outside the cluster.'),
  column('Port(s)', 'The ports exposed by the service.'),
  ageColumn,
  column('Selector', 'Pods with labels matching this selector receive the traffic.', { priority: 1 }),
], (o, now) => {
  const spec = obj(o['spec']);
  const clusterIP = str(arr(spec['clusterIPs'])[0]) || str(spec['clusterIP']) || '<none>';
  return [
    nameOf(o), str(spec['type']), clusterIP, serviceExternalIP(spec, obj(o['status'])), servicePorts(spec),
    ageOf(o, now), formatLabels(spec['selector']),
  ];
});

/** Up to three "ip:port" endpoints and "+ N more..." (formatEndpoints). */
export function formatEndpoints(o: Obj): string {
  const subsets = arr(o['subsets']).map((s) => obj(s));
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = arr(ss['addresses']).map((a) => str(obj(a)['ip']));
    const ports = arr(ss['ports']).map((p) => num(obj(p)['port']));
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) { more = true; break; }
        list.push(ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) { more = true; break; }
        list.push(hostPort(ip, port));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsTable: TableDef = table([
  nameColumn,
  column('Endpoints', 'Addresses and ports of the endpoints.'),
  ageColumn,
], (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)]);

export const configMapTable: TableDef = table([
  nameColumn,
  column('Data', 'Number of data and binary data keys.'),
  ageColumn,
], (o, now) => [nameOf(o), Object.keys(obj(o['data'])).length + Object.keys(obj(o['binaryData'])).length, ageOf(o, now)]);

export const secretTable: TableDef = table([
  nameColumn,
  column('Type', 'Type of the secret, used to ease programmatic handling of its data.'),
  column('Data', 'Number of data keys.'),
  ageColumn,
], (o, now) => [nameOf(o), str(o['type']), Object.keys(obj(o['data'])).length, ageOf(o, now)]);

export const serviceAccountTable: TableDef = table([
  nameColumn,
  column('Secrets', 'Number of secrets listed in the service account.'),
  ageColumn,
], (o, now) => [nameOf(o), arr(o['secrets']).length, ageOf(o, now)]);

export const namespaceTable: TableDef = table([
  nameColumn,
  column('Status', 'The status of the namespace'),
  ageColumn,
], (o, now) => [nameOf(o), str(obj(o['status'])['phase']), ageOf(o, now)]);

/** "cpu: 100m/1, pods: 2/10" split into requests and `limits.*` (printResourceQuota). */
function quotaColumns(status: Obj): [string, string] {
  const hard = obj(status['hard']);
  const used = obj(status['used']);
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const pieces = name.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
    target.push(`${name}: ${quantity(used[name])}/${quantity(hard[name])}`);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaTable: TableDef = table([
  nameColumn,
  column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ageColumn,
], (o, now) => {
  const [requests, limits] = quotaColumns(obj(o['status']));
  return [nameOf(o), requests, limits, ageOf(o, now)];
});

export const replicationControllerTable: TableDef = replicaCountTable(formatLabels);
