// Tables of networking.k8s.io/v1 and discovery.k8s.io/v1 kinds. Reference: kubernetes
// pkg/printers/internalversion/printers.go (printIngress, printIngressClass, printNetworkPolicy, printEndpointSlice).
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, column, formatLabelSelector, nameColumn, nameOf, num, obj, str, table } from './common.js';
import { loadBalancerAddresses } from './core.js';

/** Up to three items, then " + N more..."; "<unset>" when there are none (listWithMoreString). */
function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  if (items.length <= max) return items.join(',');
  return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
}

/** Up to three rule hosts, "*" when no rule names a host (formatHosts). */
function ingressHosts(rules: unknown[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    const host = str(obj(r)['host']);
    if (!more && host) list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressTable: TableDef = table([
  nameColumn,
  column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
  column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
  column('Address', 'Address is a list containing ingress points for the load-balancer'),
  column('Ports', 'Ports of TLS configurations that open'),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  return [
    nameOf(o), typeof spec['ingressClassName'] === 'string' ? spec['ingressClassName'] : '<none>',
    ingressHosts(arr(spec['rules'])), loadBalancerAddresses(obj(o, 'status', 'loadBalancer')),
    arr(spec['tls']).length > 0 ? '80, 443' : '80', ageOf(o, now),
  ];
});

export const ingressClassTable: TableDef = table([
  nameColumn,
  column('Controller', 'Controller that is responsible for handling this class'),
  column('Parameters', 'A reference to a resource with additional parameters'),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  let parameters = '<none>';
  if (spec['parameters'] != null) {
    const p = obj(spec['parameters']);
    parameters = str(p['kind']);
    if (typeof p['apiGroup'] === 'string') parameters += `.${p['apiGroup']}`;
    parameters += `/${str(p['name'])}`;
  }
  return [nameOf(o), str(spec['controller']), parameters, ageOf(o, now)];
});

export const networkPolicyTable: TableDef = table([
  nameColumn,
  column('Pod-Selector', 'Selects the pods to which this policy applies.'),
  ageColumn,
], (o, now) => [nameOf(o), formatLabelSelector(obj(o['spec'])['podSelector'] ?? {}), ageOf(o, now)]);

export const endpointSliceTable: TableDef = table([
  nameColumn,
  column('AddressType', 'Type of address carried by this slice (IPv4, IPv6, FQDN).'),
  column('Ports', 'Network ports exposed by each endpoint of the slice.'),
  column('Endpoints', 'Addresses of the endpoints of the slice.'),
  ageColumn,
], (o, now) => {
  const ports = arr(o['ports']).map((p) => {
    const port = obj(p);
    if (typeof port['port'] === 'number') return String(num(port['port']));
    return typeof port['name'] === 'string' ? port['name'] : '*';
  });
  const addresses = arr(o['endpoints']).flatMap((e) => arr(obj(e)['addresses']).map(str));
  return [nameOf(o), str(o['addressType']), listWithMore(ports), listWithMore(addresses), ageOf(o, now)];
});
