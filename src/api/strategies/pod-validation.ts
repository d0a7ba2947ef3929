// Validation of a PodSpec and PodTemplateSpec, the part of pkg/apis/core/validation/validation.go
// (ValidatePodSpec, validateContainers, validateVolumes, validateProbe, validateTolerations ...)
// that users meet. Field paths are kube's; the base path is passed in so templates report
// spec.template.spec.containers[0].image.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { Obj } from './common.js';
import {
  annotationsErrors, arr, checkFormat, inRange, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, items,
  labelsErrors, nonNegative, oneOf, portNameErrors, portOrNameErrors, rec, str,
} from './common.js';
import { resourceRequirementsErrors } from './resources.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Every volume source a v1 Volume may name; exactly one is allowed. */
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function volumeErrors(volumes: unknown, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [v, i] of items(volumes)) {
    const p = `${path}[${i}]`;
    const name = v.name;
    if (!name) errs.push(field.required(`${p}.name`, ''));
    else {
      errs.push(...checkFormat(name, `${p}.name`, isDNS1123Label));
      if (typeof name === 'string') {
        if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
        names.add(name);
      }
    }
    const sources = VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);
    if (sources.length === 0) errs.push(field.required(p, 'must specify a volume type'));
    if (sources.length > 1) errs.push(field.forbidden(`${p}.${sources[1]}`, 'may not specify more than 1 volume type'));
    const need = (src: string, key: string): void => {
      const o = rec(v[src]);
      if (o && !str(o[key])) errs.push(field.required(`${p}.${src}.${key}`, ''));
    };
    need('secret', 'secretName');
    need('persistentVolumeClaim', 'claimName');
    need('hostPath', 'path');
    need('nfs', 'server');
    need('nfs', 'path');
    need('csi', 'driver');
    const emptyDir = rec(v.emptyDir);
    if (emptyDir && emptyDir.medium !== undefined && emptyDir.medium !== '') {
      errs.push(...oneOf(emptyDir.medium, `${p}.emptyDir.medium`, ['', 'Memory', 'HugePages'], false));
    }
  }
  return { errs, names };
}

function handlerErrors(h: Obj, path: string): FieldError[] {
  const set = HANDLERS.filter((k) => h[k] !== undefined && h[k] !== null);
  if (set.length === 0) return [field.required(path, 'must specify a handler type')];
  if (set.length > 1) return [field.forbidden(`${path}.${set[1]}`, 'may not specify more than 1 handler type')];
  const errs: FieldError[] = [];
  const exec = rec(h.exec);
  if (exec && arr(exec.command).length === 0) errs.push(field.required(`${path}.exec.command`, ''));
  for (const key of ['httpGet', 'tcpSocket']) {
    const o = rec(h[key]);
    if (o) errs.push(...portOrNameErrors(o.port, `${path}.${key}.port`));
  }
  const httpGet = rec(h.httpGet);
  if (httpGet && httpGet.scheme !== undefined) errs.push(...oneOf(httpGet.scheme, `${path}.httpGet.scheme`, ['HTTP', 'HTTPS']));
  const grpc = rec(h.grpc);
  if (grpc) errs.push(...inRange(grpc.port, `${path}.grpc.port`, 1, 65535));
  return errs;
}

function probeErrors(probe: unknown, path: string, successMustBeOne: boolean): FieldError[] {
  const p = rec(probe);
  if (!p) return [];
  const errs = handlerErrors(p, path);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    errs.push(...nonNegative(p[k], `${path}.${k}`));
  }
  if (successMustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(field.invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  return errs;
}

function envErrors(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [e, i] of items(env)) {
    const p = `${path}[${i}]`;
    const name = e.name;
    // RelaxedEnvironmentVariableValidation (beta, on in 1.32): printable ASCII other than '='.
    if (!name) errs.push(field.required(`${p}.name`, ''));
    else if (typeof name !== 'string' || !/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) {
      errs.push(field.invalid(`${p}.name`, name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
    const from = rec(e.valueFrom);
    if (from) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => from[k] !== undefined);
      if (sources.length !== 1) errs.push(field.invalid(`${p}.valueFrom`, '', 'may not have more than one field specified at a time'));
      if (e.value !== undefined && e.value !== '') errs.push(field.invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = rec(from[k]);
        if (ref && !str(ref.key)) errs.push(field.required(`${p}.valueFrom.${k}.key`, ''));
      }
      const fieldRef = rec(from.fieldRef);
      if (fieldRef && !str(fieldRef.fieldPath)) errs.push(field.required(`${p}.valueFrom.fieldRef.fieldPath`, ''));
    }
  }
  return errs;
}

type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

function containerErrors(c: Obj, p: string, kind: ContainerKind, volumes: Set<string>, hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(field.required(`${p}.image`, ''));
  else if (typeof c.image !== 'string' || c.image.trim() !== c.image) errs.push(field.invalid(`${p}.image`, c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy !== undefined) errs.push(...oneOf(c.imagePullPolicy, `${p}.imagePullPolicy`, PULL_POLICIES));
  if (c.terminationMessagePolicy !== undefined) errs.push(...oneOf(c.terminationMessagePolicy, `${p}.terminationMessagePolicy`, TERMINATION_MESSAGE_POLICIES));
  const portNames = new Set<string>();
  for (const [port, j] of items(c.ports)) {
    const pp = `${p}.ports[${j}]`;
    if (port.name !== undefined && port.name !== '') {
      errs.push(...checkFormat(port.name, `${pp}.name`, portNameErrors));
      if (typeof port.name === 'string') {
        if (portNames.has(port.name)) errs.push(field.duplicate(`${pp}.name`, port.name));
        portNames.add(port.name);
      }
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(field.required(`${pp}.containerPort`, ''));
    else errs.push(...inRange(port.containerPort, `${pp}.containerPort`, 1, 65535));
    if (port.hostPort !== undefined && port.hostPort !== 0) errs.push(...inRange(port.hostPort, `${pp}.hostPort`, 1, 65535));
    errs.push(...oneOf(port.protocol, `${pp}.protocol`, PROTOCOLS));
    if (hostNetwork && port.hostPort !== undefined && port.hostPort !== port.containerPort) {
      errs.push(field.invalid(`${pp}.hostPort`, port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
  }
  errs.push(...envErrors(c.env, `${p}.env`));
  const mountPaths = new Set<string>();
  for (const [m, j] of items(c.volumeMounts)) {
    const mp = `${p}.volumeMounts[${j}]`;
    if (!m.name) errs.push(field.required(`${mp}.name`, ''));
    else if (typeof m.name !== 'string' || !volumes.has(m.name)) errs.push(field.notFound(`${mp}.name`, m.name));
    const mountPath = m.mountPath;
    if (!mountPath) errs.push(field.required(`${mp}.mountPath`, ''));
    else if (typeof mountPath === 'string') {
      if (mountPaths.has(mountPath)) errs.push(field.invalid(`${mp}.mountPath`, mountPath, 'must be unique'));
      mountPaths.add(mountPath);
    }
    const subPath = str(m.subPath);
    if (subPath && (subPath.startsWith('/') || subPath.split('/').includes('..'))) {
      errs.push(field.invalid(`${mp}.subPath`, subPath, "must be a relative path without '..'"));
    }
  }
  errs.push(...resourceRequirementsErrors(c.resources, `${p}.resources`));
  const sidecar = kind === 'initContainers' && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined) {
    if (kind === 'initContainers') errs.push(...oneOf(c.restartPolicy, `${p}.restartPolicy`, ['Always']));
    else errs.push(field.forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  }
  for (const [key, successOne] of [['livenessProbe', true], ['startupProbe', true], ['readinessProbe', false]] as const) {
    if (c[key] === undefined || c[key] === null) continue;
    if ((kind === 'initContainers' && !sidecar) || kind === 'ephemeralContainers') {
      errs.push(field.forbidden(`${p}.${key}`, kind === 'initContainers'
        ? 'may not be set for init containers without restartPolicy=Always' : 'cannot be set for an Ephemeral Container'));
    } else errs.push(...probeErrors(c[key], `${p}.${key}`, successOne));
  }
  return errs;
}

function tolerationErrors(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [t, i] of items(tolerations)) {
    const p = `${path}[${i}]`;
    const key = str(t.key) ?? '';
    const operator = str(t.operator) || 'Equal';
    if (key) errs.push(...checkFormat(key, `${p}.key`, isQualifiedName));
    if (!key && operator !== 'Exists') errs.push(field.invalid(`${p}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.operator !== undefined && t.operator !== '') errs.push(...oneOf(t.operator, `${p}.operator`, ['Equal', 'Exists']));
    if (operator === 'Exists' && t.value) errs.push(field.invalid(`${p}.operator`, t.value, 'value must be empty when `operator` is \'Exists\''));
    if (t.effect !== undefined && t.effect !== '') errs.push(...oneOf(t.effect, `${p}.effect`, TAINT_EFFECTS));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(field.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  }
  return errs;
}

/** ValidatePodSpec. `path` is `spec` for Pods and `spec.template.spec` for templates. */
export function validatePodSpec(specValue: unknown, path: string): FieldError[] {
  const spec = rec(specValue);
  if (!spec) return [field.required(path, '')];
  const { errs, names: volumes } = volumeErrors(spec.volumes, `${path}.volumes`);
  const hostNetwork = spec.hostNetwork === true;
  if (arr(spec.containers).length === 0) errs.push(field.required(`${path}.containers`, ''));
  const seen = new Set<string>();
  for (const kind of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const [c, i] of items(spec[kind])) {
      const p = `${path}.${kind}[${i}]`;
      if (!c.name) errs.push(field.required(`${p}.name`, ''));
      else {
        errs.push(...checkFormat(c.name, `${p}.name`, isDNS1123Label));
        if (typeof c.name === 'string') {
          if (seen.has(c.name)) errs.push(field.duplicate(`${p}.name`, c.name));
          seen.add(c.name);
        }
      }
      errs.push(...containerErrors(c, p, kind, volumes, hostNetwork));
    }
  }
  errs.push(...oneOf(spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES));
  errs.push(...oneOf(spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES));
  if (spec.dnsPolicy === 'None') {
    const dnsConfig = rec(spec.dnsConfig);
    if (!dnsConfig) errs.push(field.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (arr(dnsConfig.nameservers).length === 0) {
      errs.push(field.required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    }
  }
  errs.push(...labelsErrors(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...inRange(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`, 1, 2147483647));
  for (const [key, check] of [['serviceAccountName', isDNS1123Subdomain], ['nodeName', isDNS1123Subdomain],
    ['hostname', isDNS1123Label], ['subdomain', isDNS1123Label], ['priorityClassName', isDNS1123Subdomain]] as const) {
    if (spec[key] !== undefined && spec[key] !== '') errs.push(...checkFormat(spec[key], `${path}.${key}`, check));
  }
  errs.push(...tolerationErrors(spec.tolerations, `${path}.tolerations`));
  const gates = new Set<string>();
  for (const [g, i] of items(spec.schedulingGates)) {
    errs.push(...checkFormat(g.name, `${path}.schedulingGates[${i}].name`, isQualifiedName));
    if (typeof g.name === 'string') {
      if (gates.has(g.name)) errs.push(field.duplicate(`${path}.schedulingGates[${i}]`, g.name));
      gates.add(g.name);
    }
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations and its PodSpec (path e.g. `spec.template`). */
export function validatePodTemplateSpec(templateValue: unknown, path: string): FieldError[] {
  const template = rec(templateValue);
  if (!template) return [field.required(path, '')];
  const meta = rec(template.metadata) ?? {};
  return [
    ...labelsErrors(meta.labels, `${path}.metadata.labels`),
    ...annotationsErrors(meta.annotations, `${path}.metadata.annotations`),
    ...validatePodSpec(template.spec, `${path}.spec`),
  ];
}
