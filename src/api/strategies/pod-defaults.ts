// Defaulting of Pods and PodTemplateSpecs, as k8s.io/kubernetes pkg/apis/core/v1/defaults.go
// (SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume ...).
// PodSpec defaults apply to every embedded template too (Deployment, Job ...); the Pod-only ones
// (requests from limits, enableServiceLinks) do not, as in kube.
import type { Obj } from './common.js';
import { child, items, rec, setDefault, str } from './common.js';

/** Always for `:latest` or an untagged image, IfNotPresent otherwise (digests included). */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const withoutDigest = image.split('@')[0] ?? '';
  const hasDigest = withoutDigest.length !== image.length;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : hasDigest ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: Obj | undefined): void {
  const get = rec(h?.httpGet);
  if (get) {
    setDefault(get, 'path', '/');
    setDefault(get, 'scheme', 'HTTP');
  }
}

function defaultProbe(p: unknown): void {
  const probe = rec(p);
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultFieldRef(ref: unknown): void {
  const r = rec(ref);
  if (r) setDefault(r, 'apiVersion', 'v1');
}

const DEFAULT_MODE = 0o644; // 420, the mode kube gives secret/configMap/downwardAPI/projected files

function defaultContainer(c: Obj): void {
  const image = str(c.image);
  if (image !== undefined && !c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(image);
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const [port] of items(c.ports)) setDefault(port, 'protocol', 'TCP');
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[key]);
  const lifecycle = rec(c.lifecycle);
  if (lifecycle) for (const key of ['postStart', 'preStop']) defaultHandler(rec(lifecycle[key]));
  for (const [env] of items(c.env)) defaultFieldRef(rec(env.valueFrom)?.fieldRef);
}

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = rec(v[key]);
    if (src) setDefault(src, 'defaultMode', DEFAULT_MODE);
  }
  for (const [item] of items(rec(v.downwardAPI)?.items)) defaultFieldRef(item.fieldRef);
  for (const [source] of items(rec(v.projected)?.sources)) {
    for (const [item] of items(rec(source.downwardAPI)?.items)) defaultFieldRef(item.fieldRef);
    const token = rec(source.serviceAccountToken);
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
  const hostPath = rec(v.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
}

/** SetDefaults_PodSpec and everything nested in it. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  // v1 keeps the deprecated serviceAccount field in step with serviceAccountName (conversion).
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  else if (typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const [c] of items(spec[key])) defaultContainer(c);
  }
  for (const [v] of items(spec.volumes)) defaultVolume(v);
  if (spec.hostNetwork === true) {
    // With the host's network a container port is a host port.
    for (const key of ['containers', 'initContainers']) {
      for (const [c] of items(spec[key])) for (const [port] of items(c.ports)) setDefault(port, 'hostPort', port.containerPort);
    }
  }
}

/** SetDefaults_Pod: the Pod-only defaults, then the spec's. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  for (const key of ['containers', 'initContainers']) {
    for (const [c] of items(spec[key])) {
      // Requests default to limits on Pods only (not templates), which makes limits-only pods Guaranteed.
      const resources = rec(c.resources);
      const limits = rec(resources?.limits);
      if (!resources || !limits) continue;
      const requests = child(resources, 'requests');
      for (const [name, q] of Object.entries(limits)) setDefault(requests, name, q);
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  defaultPodSpec(spec);
}

/** Defaults of a PodTemplateSpec embedded at obj.spec.template. */
export function defaultTemplate(template: Obj): void {
  defaultPodSpec(child(template, 'spec'));
}
