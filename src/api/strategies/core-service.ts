// The Service strategy: SetDefaults_Service (pkg/apis/core/v1/defaults.go), ValidateService /
// ValidateServiceUpdate (pkg/apis/core/validation) and the registry's carrying over of allocated
// values on update (pkg/registry/core/service/storage patchAllocatedValues). Allocation itself
// (ClusterIP, NodePort) is the registry's, after defaulting.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import {
  arr, checkFormat, child, defineStrategy, inRange, isDNS1123Label, isDNS1123Subdomain, items, keepStatus,
  labelsErrors, nameIsDNS1035Label, oneOf, portOrNameErrors, rec, setDefault, str,
} from './common.js';

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const usesNodePorts = (type: unknown): boolean => type === 'NodePort' || type === 'LoadBalancer';

export function defaultService(svc: KubeObject): void {
  const spec = child(svc, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(spec, 'sessionAffinityConfig');
    setDefault(child(cfg, 'clientIP'), 'timeoutSeconds', 10800);
  }
  for (const [port] of items(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port;
    }
  }
  if (usesNodePorts(spec.type)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec.type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    // A single-stack cluster: the registry's allocator may refine these.
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
  }
}

function isIP(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((o) => Number(o) <= 255 && String(Number(o)) === o);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && s.split('::').length <= 2;
}

function portsErrors(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = items(spec.ports);
  const names = new Set<string>();
  const nodePorts = new Set<string>();
  for (const [p, i] of ports) {
    const path = `spec.ports[${i}]`;
    const name = p.name;
    if (ports.length > 1 && !name) errs.push(field.required(`${path}.name`, ''));
    else if (name) {
      errs.push(...checkFormat(name, `${path}.name`, isDNS1123Label));
      if (typeof name === 'string') {
        if (names.has(name)) errs.push(field.duplicate(`${path}.name`, name));
        names.add(name);
      }
    }
    errs.push(...inRange(p.port, `${path}.port`, 1, 65535));
    if (p.port === undefined) errs.push(field.invalid(`${path}.port`, 0, 'must be between 1 and 65535, inclusive'));
    errs.push(...oneOf(p.protocol, `${path}.protocol`, PROTOCOLS));
    if (spec.type !== 'ExternalName' && p.targetPort !== undefined) errs.push(...portOrNameErrors(p.targetPort, `${path}.targetPort`));
    const nodePort = p.nodePort;
    if (nodePort !== undefined && nodePort !== null && nodePort !== 0) {
      if (!usesNodePorts(spec.type)) {
        errs.push(field.forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${String(spec.type)}'`));
      } else if (typeof nodePort !== 'number' || nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max) {
        errs.push(field.invalid(`${path}.nodePort`, nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      } else {
        const key = `${nodePort}/${String(p.protocol)}`;
        if (nodePorts.has(key)) errs.push(field.duplicate(`${path}.nodePort`, nodePort));
        nodePorts.add(key);
      }
    }
  }
  return errs;
}

export function validateServiceSpec(svc: KubeObject): FieldError[] {
  const spec = rec(svc.spec);
  if (!spec) return [field.required('spec', '')];
  const errs: FieldError[] = [];
  errs.push(...oneOf(spec.type, 'spec.type', SERVICE_TYPES));
  const clusterIP = str(spec.clusterIP) ?? '';
  const headless = clusterIP === 'None';
  if (arr(spec.ports).length === 0 && !headless && spec.type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  errs.push(...portsErrors(spec));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(field.required('spec.externalName', ''));
    else errs.push(...checkFormat(spec.externalName, 'spec.externalName', isDNS1123Subdomain));
    if (clusterIP !== '') errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  } else if (clusterIP !== '' && !headless && !isIP(clusterIP)) {
    errs.push(field.invalid('spec.clusterIPs[0]', clusterIP, 'must be empty, \'None\', or a valid IP address'));
  }
  const clusterIPs = arr(spec.clusterIPs);
  if (clusterIPs.length > 0 && clusterIP !== '' && clusterIPs[0] !== clusterIP) {
    errs.push(field.invalid('spec.clusterIPs', clusterIPs, 'must match `clusterIP` when specified'));
  }
  errs.push(...labelsErrors(spec.selector, 'spec.selector'));
  errs.push(...oneOf(spec.sessionAffinity, 'spec.sessionAffinity', ['ClientIP', 'None']));
  const timeout = rec(rec(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP') errs.push(...inRange(timeout, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', 1, 86400));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== '') {
    if (!usesNodePorts(spec.type)) {
      errs.push(field.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\''));
    } else errs.push(...oneOf(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local']));
  }
  if (spec.internalTrafficPolicy !== undefined) errs.push(...oneOf(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local'], false));
  if (spec.ipFamilyPolicy !== undefined) errs.push(...oneOf(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['SingleStack', 'PreferDualStack', 'RequireDualStack']));
  arr(spec.ipFamilies).forEach((f, i) => errs.push(...oneOf(f, `spec.ipFamilies[${i}]`, ['IPv4', 'IPv6'])));
  if (spec.healthCheckNodePort && !(spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push(field.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  }
  return errs;
}

/** ClusterIPs stay once set, except when the type moves to or from ExternalName. */
export function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(svc.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  const before = str(oldSpec.clusterIP) ?? '';
  const now = str(spec.clusterIP) ?? '';
  return before !== '' && now !== before ? [field.invalid('spec.clusterIPs[0]', now, 'may not change once set')] : [];
}

/** A PUT that omits allocated values keeps them (kube's patchAllocatedValues). */
function carryAllocated(svc: KubeObject, old: KubeObject): void {
  const spec = child(svc, 'spec');
  const oldSpec = rec(old.spec) ?? {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && !spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && oldSpec.clusterIPs !== undefined) spec.clusterIPs = structuredClone(oldSpec.clusterIPs);
  }
  if (usesNodePorts(spec.type) && usesNodePorts(oldSpec.type)) {
    const oldPorts = items(oldSpec.ports).map(([p]) => p);
    for (const [p] of items(spec.ports)) {
      if (p.nodePort) continue;
      const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
      if (match) p.nodePort = match.nodePort;
    }
    if (!spec.healthCheckNodePort && oldSpec.healthCheckNodePort && spec.externalTrafficPolicy === 'Local') {
      spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
    }
  }
}

export const serviceStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsDNS1035Label,
  default: defaultService,
  validate: validateServiceSpec,
  validateUpdate: validateServiceUpdate,
  prepareForCreate: (svc) => { svc.status = { loadBalancer: {} }; },
  prepareForUpdate: (svc, old) => {
    keepStatus(svc, old);
    carryAllocated(svc, old);
  },
});
