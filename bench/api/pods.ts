// Realistic pods for bench/api: what a Deployment's pod looks like once a kubelet runs it (labels,
// annotations, an owner, one container with env, resources, probes and volume mounts, the default
// tolerations, and a Running status with conditions, IPs and a container status). About 3 KiB of
// JSON as stored (the server adds uid, timestamps and defaults). The status is set with a second
// write to /status, as a kubelet does: a create resets it.

export interface PodShape { apiVersion: 'v1'; kind: 'Pod'; metadata: Record<string, unknown>; spec: Record<string, unknown>; status?: Record<string, unknown> }

const hex = (i: number, len: number): string => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(Math.ceil(len / 8)).slice(0, len);

/** Pod i of app `app` (one of a few "Deployments"), bound to one of 100 nodes, without its status. */
export function benchPod(ns: string, i: number): PodShape {
  const app = `web-${i % 20}`;
  const hash = hex(i % 20 + 7, 10);
  const name = `${app}-${hash}-${hex(i, 5)}${i.toString(36)}`;
  const node = `node-${(i % 100).toString().padStart(3, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      generateName: `${app}-${hash}-`,
      labels: { app, 'app.kubernetes.io/name': app, 'pod-template-hash': hash, tier: 'frontend' },
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
        'checksum/config': hex(i % 20 + 11, 16),
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `5f0c${hex(i % 20, 4)}-1c2d-4e5f-8a9b-${hex(i % 20 + 3, 12)}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: node,
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      containers: [{
        name: 'app',
        image: `registry.example.com/shop/${app}:1.24.3`,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'APP_ENV', value: 'production' },
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        ],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
      }],
      automountServiceAccountToken: false,
      volumes: [{ name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } }],
    },
  };
}

/** The status a kubelet reports for pod i once it runs. */
export function benchPodStatus(i: number): Record<string, unknown> {
  const t = '2025-01-14T10:21:0';
  const podIP = `10.42.${i % 100}.${(Math.floor(i / 100) % 250) + 2}`;
  const hostIP = `192.168.1.${(i % 100) + 10}`;
  const condition = (type: string, at: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });
  return {
    phase: 'Running',
    conditions: [condition('Initialized', `${t}7Z`), condition('Ready', `${t}9Z`), condition('ContainersReady', `${t}9Z`), condition('PodScheduled', `${t}7Z`)],
    hostIP, hostIPs: [{ ip: hostIP }],
    podIP, podIPs: [{ ip: podIP }],
    startTime: `${t}7Z`,
    qosClass: 'Burstable',
    containerStatuses: [{
      name: 'app', ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: `${t}8Z` } },
      image: `registry.example.com/shop/web-${i % 20}:1.24.3`,
      imageID: `registry.example.com/shop/web-${i % 20}@sha256:${hex(i % 20 + 5, 64)}`,
      containerID: `containerd://${hex(i, 64)}`,
    }],
  };
}
