// Kinds of the smaller groups: coordination (Lease), policy (PodDisruptionBudget), networking
// (Ingress, IngressClass, NetworkPolicy), discovery (EndpointSlice), storage (StorageClass),
// scheduling (PriorityClass). Defaults and validation from their pkg/apis/<group> packages; light but real.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  arr, bumpGeneration, checkFormat, child, deepEqual, defineStrategy, inRange, intOrPercentErrors, isDNS1123Subdomain,
  isQualifiedName, items, keepStatus, nonNegative, oneOf, portOrNameErrors, positive, rec, resetStatus, selectorErrors,
  setDefault, str,
} from './common.js';

// ---- Lease ----

export const leaseStrategy: KindStrategy = defineStrategy({
  validate: (lease) => {
    const spec = rec(lease.spec) ?? {};
    return [...positive(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds'), ...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions')];
  },
});

// ---- PodDisruptionBudget ----

function validatePDB(pdb: KubeObject): FieldError[] {
  const spec = rec(pdb.spec) ?? {};
  const errs: FieldError[] = [];
  const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
  const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
  if (hasMin && hasMax) errs.push(field.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...intOrPercentErrors(spec.minAvailable, 'spec.minAvailable', true));
  errs.push(...intOrPercentErrors(spec.maxUnavailable, 'spec.maxUnavailable', true));
  errs.push(...selectorErrors(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy !== undefined) {
    errs.push(...oneOf(spec.unhealthyPodEvictionPolicy, 'spec.unhealthyPodEvictionPolicy', ['IfHealthyBudget', 'AlwaysAllow']));
  }
  return errs;
}

export const podDisruptionBudgetStrategy: KindStrategy = defineStrategy({
  validate: validatePDB,
  prepareForCreate: (pdb) => resetStatus(pdb, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
  prepareForUpdate: (pdb, old) => {
    keepStatus(pdb, old);
    bumpGeneration(pdb, old);
  },
});

// ---- Ingress / IngressClass ----

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function backendErrors(backend: unknown, path: string): FieldError[] {
  const b = rec(backend);
  if (!b) return [field.required(path, '')];
  const service = rec(b.service);
  if (service && b.resource !== undefined) return [field.invalid(path, b, 'cannot set both service and resource backends')];
  if (!service) return rec(b.resource) ? [] : [field.invalid(path, b, 'resource or service backend is required')];
  const errs = checkFormat(service.name ?? '', `${path}.service.name`, isDNS1123Subdomain);
  const port = rec(service.port);
  if (!port || (port.name === undefined && port.number === undefined)) errs.push(field.required(`${path}.service.port`, 'port name or number is required'));
  else if (port.name !== undefined && port.number !== undefined) errs.push(field.invalid(`${path}.service.port`, port, 'cannot set both port name & port number'));
  else errs.push(...portOrNameErrors(port.number ?? port.name, `${path}.service.port.${port.number !== undefined ? 'number' : 'name'}`));
  return errs;
}

function hostErrors(host: unknown, path: string): FieldError[] {
  if (typeof host !== 'string' || host === '') return [];
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  return checkFormat(bare, path, isDNS1123Subdomain).map((e) => ({ ...e, message: e.message.replace(JSON.stringify(bare), JSON.stringify(host)) }));
}

function validateIngress(ing: KubeObject): FieldError[] {
  const spec = rec(ing.spec) ?? {};
  const errs: FieldError[] = [];
  const rules = items(spec.rules);
  if (rules.length === 0 && !rec(spec.defaultBackend)) {
    errs.push(field.invalid('spec.rules', spec.rules ?? [], 'either `defaultBackend` or `rules` must be specified'));
  }
  if (rec(spec.defaultBackend)) errs.push(...backendErrors(spec.defaultBackend, 'spec.defaultBackend'));
  for (const [rule, i] of rules) {
    const p = `spec.rules[${i}]`;
    errs.push(...hostErrors(rule.host, `${p}.host`));
    const http = rec(rule.http);
    if (!http) continue;
    if (arr(http.paths).length === 0) errs.push(field.required(`${p}.http.paths`, ''));
    for (const [path, j] of items(http.paths)) {
      const pp = `${p}.http.paths[${j}]`;
      if (path.pathType === undefined || path.pathType === '') errs.push(field.required(`${pp}.pathType`, 'pathType must be specified'));
      else errs.push(...oneOf(path.pathType, `${pp}.pathType`, PATH_TYPES));
      if ((path.pathType === 'Exact' || path.pathType === 'Prefix') && !(str(path.path) ?? '').startsWith('/')) {
        errs.push(field.invalid(`${pp}.path`, path.path ?? '', 'must be an absolute path'));
      }
      errs.push(...backendErrors(path.backend, `${pp}.backend`));
    }
  }
  for (const [tls, i] of items(spec.tls)) arr(tls.hosts).forEach((h, j) => errs.push(...hostErrors(h, `spec.tls[${i}].hosts[${j}]`)));
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    errs.push(...checkFormat(spec.ingressClassName, 'spec.ingressClassName', isDNS1123Subdomain));
  }
  return errs;
}

export const ingressStrategy: KindStrategy = defineStrategy({
  validate: validateIngress,
  prepareForCreate: (ing) => resetStatus(ing, { loadBalancer: {} }),
  prepareForUpdate: (ing, old) => {
    keepStatus(ing, old);
    bumpGeneration(ing, old);
  },
});

export const ingressClassStrategy: KindStrategy = defineStrategy({
  validate: (ic) => {
    const controller = rec(ic.spec)?.controller;
    return controller ? [] : [field.required('spec.controller', '')];
  },
  validateUpdate: (ic, old) => (rec(ic.spec)?.controller === rec(old.spec)?.controller ? [] : [field.invalid('spec.controller', rec(ic.spec)?.controller ?? null, 'field is immutable')]),
});

// ---- NetworkPolicy ----

function defaultNetworkPolicy(np: KubeObject): void {
  const spec = child(np, 'spec');
  setDefault(spec, 'podSelector', {});
  for (const key of ['ingress', 'egress']) for (const [rule] of items(spec[key])) for (const [port] of items(rule.ports)) setDefault(port, 'protocol', 'TCP');
  if (arr(spec.policyTypes).length === 0) spec.policyTypes = arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peerErrors(peers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [peer, i] of items(peers)) {
    const p = `${path}[${i}]`;
    const ipBlock = rec(peer.ipBlock);
    const selectors = ['podSelector', 'namespaceSelector'].filter((k) => peer[k] !== undefined && peer[k] !== null);
    if (ipBlock && selectors.length > 0) errs.push(field.forbidden(p, 'may not specify both ipBlock and another peer'));
    if (!ipBlock && selectors.length === 0) errs.push(field.required(p, 'must specify a peer'));
    for (const k of selectors) errs.push(...selectorErrors(peer[k], `${p}.${k}`));
    if (ipBlock && !str(ipBlock.cidr)) errs.push(field.required(`${p}.ipBlock.cidr`, ''));
  }
  return errs;
}

function validateNetworkPolicy(np: KubeObject): FieldError[] {
  const spec = rec(np.spec) ?? {};
  const errs = selectorErrors(spec.podSelector, 'spec.podSelector');
  const types = arr(spec.policyTypes);
  types.forEach((t, i) => errs.push(...oneOf(t, `spec.policyTypes[${i}]`, ['Ingress', 'Egress'])));
  if (types.length > 2) errs.push(field.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  for (const [key, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const [rule, i] of items(spec[key])) {
      const p = `spec.${key}[${i}]`;
      for (const [port, j] of items(rule.ports)) {
        const pp = `${p}.ports[${j}]`;
        errs.push(...oneOf(port.protocol, `${pp}.protocol`, ['TCP', 'UDP', 'SCTP']));
        if (port.port !== undefined) errs.push(...portOrNameErrors(port.port, `${pp}.port`));
        if (port.endPort !== undefined) {
          if (typeof port.port !== 'number') errs.push(field.required(`${pp}.port`, 'must be specified when endPort is specified'));
          else if (typeof port.endPort !== 'number' || port.endPort < port.port) errs.push(field.invalid(`${pp}.endPort`, port.endPort, 'must be greater than or equal to `port`'));
        }
      }
      errs.push(...peerErrors(rule[peersKey], `${p}.${peersKey}`));
    }
  }
  return errs;
}

export const networkPolicyStrategy: KindStrategy = defineStrategy({
  default: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
  prepareForCreate: (np) => resetStatus(np, undefined),
  prepareForUpdate: (np, old) => bumpGeneration(np, old),
});

// ---- EndpointSlice ----

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

export const endpointSliceStrategy: KindStrategy = defineStrategy({
  default: (es) => { for (const [port] of items(es.ports)) { setDefault(port, 'name', ''); setDefault(port, 'protocol', 'TCP'); } },
  validate: (es) => {
    const errs = oneOf(es.addressType, 'addressType', ADDRESS_TYPES);
    for (const [ep, i] of items(es.endpoints)) {
      const n = arr(ep.addresses).length;
      if (n === 0) errs.push(field.required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
      if (n > 100) errs.push(field.tooMany(`endpoints[${i}].addresses`, n, 100));
    }
    for (const [port, i] of items(es.ports)) {
      if (port.port !== undefined && port.port !== null) errs.push(...inRange(port.port, `ports[${i}].port`, 1, 65535));
      errs.push(...oneOf(port.protocol, `ports[${i}].protocol`, ['TCP', 'UDP', 'SCTP']));
    }
    return errs;
  },
  validateUpdate: (es, old) => (es.addressType === old.addressType ? [] : [field.invalid('addressType', es.addressType ?? null, 'field is immutable')]),
});

// ---- StorageClass ----

const STORAGE_CLASS_FROZEN = ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode'];

export const storageClassStrategy: KindStrategy = defineStrategy({
  default: (sc) => {
    setDefault(sc, 'reclaimPolicy', 'Delete');
    setDefault(sc, 'volumeBindingMode', 'Immediate');
  },
  validate: (sc) => {
    const errs = sc.provisioner ? checkFormat(sc.provisioner, 'provisioner', isQualifiedName) : [field.required('provisioner', '')];
    errs.push(...oneOf(sc.reclaimPolicy, 'reclaimPolicy', ['Delete', 'Retain']));
    errs.push(...oneOf(sc.volumeBindingMode, 'volumeBindingMode', ['Immediate', 'WaitForFirstConsumer']));
    return errs;
  },
  validateUpdate: (sc, old) => STORAGE_CLASS_FROZEN
    .filter((k) => !deepEqual(sc[k] ?? (k === 'parameters' ? {} : undefined), old[k] ?? (k === 'parameters' ? {} : undefined)))
    .map((k) => field.forbidden(k, `updates to ${k} are forbidden.`)),
});

// ---- PriorityClass ----

/** HighestUserDefinablePriority: above it only the system- classes live. */
const HIGHEST_USER_PRIORITY = 1_000_000_000;

export const priorityClassStrategy: KindStrategy = defineStrategy({
  default: (pc) => setDefault(pc, 'preemptionPolicy', 'PreemptLowerPriority'),
  validate: (pc) => {
    const errs: FieldError[] = [];
    const name = str(rec(pc.metadata)?.name) ?? '';
    if (typeof pc.value !== 'number' || !Number.isInteger(pc.value)) errs.push(field.required('value', ''));
    else if (!name.startsWith('system-') && pc.value > HIGHEST_USER_PRIORITY) {
      errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
    }
    errs.push(...oneOf(pc.preemptionPolicy, 'preemptionPolicy', ['PreemptLowerPriority', 'Never']));
    return errs;
  },
  validateUpdate: (pc, old) => [
    ...(pc.value === old.value ? [] : [field.forbidden('value', 'may not be changed in an update.')]),
    ...(pc.preemptionPolicy === old.preemptionPolicy ? [] : [field.invalid('preemptionPolicy', pc.preemptionPolicy ?? null, 'field is immutable')]),
  ],
});

