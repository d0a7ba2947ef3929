import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import { deploymentTable, replicaSetTable, statefulSetTable, daemonSetTable, controllerRevisionTable } from './apps.js';
import { horizontalPodAutoscalerTable } from './autoscaling.js';
import { cronJobTable, jobTable } from './batch.js';
import { configMapTable, endpointsTable, replicationControllerTable, resourceQuotaTable, secretTable, serviceTable } from './core.js';
import { endpointSliceTable, ingressTable } from './networking.js';
import { eventTable, nodeTable } from './nodes-events.js';
import { roleBindingTable } from './rbac.js';
import { persistentVolumeClaimTable, persistentVolumeTable, storageClassTable } from './storage.js';
import { podDisruptionBudgetTable } from './coordination-policy-scheduling.js';

const NOW = Date.parse('2025-01-10T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(300), ...extra });

/** The header kubectl prints: column names upper-cased, wide columns only with -o wide. */
function header(t: TableDef, wide = false): string[] {
  return t.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
}

describe('apps tables', () => {
  const deployment: KubeObject = {
    metadata: meta('web'),
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
      template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'fluent-bit:3' }] } },
    },
    // Mid-rollout: one new pod up, an old one still serving.
    status: { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 },
  };

  test('a rolling deployment', () => {
    assert.deepEqual(header(deploymentTable), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(header(deploymentTable, true).slice(5), ['CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(deploymentTable.row(deployment, NOW),
      ['web', '3/3', 2, 3, '5m', 'nginx,log', 'nginx:1.27,fluent-bit:3', 'app=web,tier in (edge,front)']);
  });

  test('replica sets, stateful sets and daemon sets', () => {
    const rs: KubeObject = { metadata: meta('web-7d9f'), spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } }, status: { replicas: 2, readyReplicas: 1 } };
    assert.deepEqual(replicaSetTable.row(rs, NOW), ['web-7d9f', 2, 2, 1, '5m', 'nginx', 'nginx', 'app=web']);
    const rc: KubeObject = { metadata: meta('old'), spec: { replicas: 1, selector: { app: 'old' }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 1, readyReplicas: 1 } };
    assert.deepEqual(replicationControllerTable.row(rc, NOW), ['old', 1, 1, 1, '5m', 'c', 'i', 'app=old']);
    const sts: KubeObject = { metadata: meta('db'), spec: { replicas: 3, template: { spec: { containers: [{ name: 'pg', image: 'postgres:17' }] } } }, status: { readyReplicas: 2 } };
    assert.deepEqual(statefulSetTable.row(sts, NOW), ['db', '2/3', '5m', 'pg', 'postgres:17']);
    const ds: KubeObject = {
      metadata: meta('agent'),
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    assert.deepEqual(header(daemonSetTable), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.deepEqual(daemonSetTable.row(ds, NOW), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5m', 'a', 'agent:1', 'app=agent']);
  });

  test('controller revisions name their controller as kind.group/name', () => {
    const cr: KubeObject = { metadata: meta('db-5c8d', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }), revision: 2 };
    assert.deepEqual(controllerRevisionTable.row(cr, NOW), ['db-5c8d', 'statefulset.apps/db', 2, '5m']);
  });
});

describe('core tables', () => {
  test('a NodePort service', () => {
    const svc: KubeObject = {
      metadata: meta('web'),
      spec: {
        type: 'NodePort', clusterIP: '10.43.0.12', clusterIPs: ['10.43.0.12'], selector: { app: 'web', tier: 'front' },
        ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }],
      },
    };
    assert.deepEqual(header(serviceTable, true), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    assert.deepEqual(serviceTable.row(svc, NOW), ['web', 'NodePort', '10.43.0.12', '<none>', '80:30080/TCP,53/UDP', '5m', 'app=web,tier=front']);
  });

  test('load balancer, headless and external name services', () => {
    const lb: KubeObject = { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.43.0.5'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] } };
    assert.equal(serviceTable.row(lb, NOW)[3], '<pending>');
    lb['status'] = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.2' }] } };
    assert.equal(serviceTable.row(lb, NOW)[3], '203.0.113.2,203.0.113.9,lb.example.com');
    const headless: KubeObject = { metadata: meta('db'), spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } };
    assert.deepEqual(serviceTable.row(headless, NOW).slice(1, 5), ['ClusterIP', 'None', '<none>', '<none>']);
    const ext: KubeObject = { metadata: meta('mail'), spec: { type: 'ExternalName', externalName: 'mail.example.com' } };
    assert.deepEqual(serviceTable.row(ext, NOW).slice(1, 4), ['ExternalName', '<none>', 'mail.example.com']);
  });

  test('endpoints list three addresses then a count', () => {
    const ep: KubeObject = {
      metadata: meta('web'),
      subsets: [{ addresses: [{ ip: '10.42.0.1' }, { ip: '10.42.0.2' }], ports: [{ port: 8080 }, { port: 9090 }] }],
    };
    assert.equal(endpointsTable.row(ep, NOW)[1], '10.42.0.1:8080,10.42.0.2:8080,10.42.0.1:9090 + 1 more...');
    assert.equal(endpointsTable.row({ metadata: meta('none') }, NOW)[1], '<none>');
  });

  test('config maps, secrets and quotas', () => {
    assert.deepEqual(configMapTable.row({ metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, NOW), ['cfg', 3, '5m']);
    assert.deepEqual(secretTable.row({ metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, NOW), ['tls', 'kubernetes.io/tls', 2, '5m']);
    const quota: KubeObject = {
      metadata: meta('q'),
      status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' }, used: { pods: '3', 'limits.memory': '1Gi' } },
    };
    assert.deepEqual(resourceQuotaTable.row(quota, NOW), ['q', 'pods: 3/10, requests.cpu: 0/2', 'limits.memory: 1Gi/4Gi', '5m']);
  });

  test('nodes: status, roles and wide addresses', () => {
    const node: KubeObject = {
      metadata: { name: 'cp-1', creationTimestamp: ago(3 * 86400 + 5 * 3600), labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true' } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'Hostname', address: 'cp-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: { kubeletVersion: 'v1.32.0-k8ts', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.24' },
      },
    };
    assert.deepEqual(nodeTable.row(node, NOW), [
      'cp-1', 'Ready,SchedulingDisabled', 'control-plane,etcd', '3d5h', 'v1.32.0-k8ts',
      '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.7.24',
    ]);
    assert.deepEqual(nodeTable.row({ metadata: { name: 'new' } }, NOW).slice(1, 4), ['Unknown', '<none>', '<unknown>']);
  });

  test('events print the same in core/v1 and events.k8s.io/v1 form', () => {
    assert.deepEqual(header(eventTable), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const core: KubeObject = {
      metadata: meta('web-0.181'), type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container\n',
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{app}' },
      source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: ago(600), lastTimestamp: ago(30), count: 12,
    };
    const expected = ['30s', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '10m', 12, 'web-0.181'];
    assert.deepEqual(eventTable.row(core, NOW), expected);
    const v1: KubeObject = {
      metadata: meta('web-0.181'), type: 'Warning', reason: 'BackOff', note: 'Back-off restarting failed container\n',
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{app}' },
      deprecatedSource: { component: 'kubelet', host: 'node-1' }, deprecatedFirstTimestamp: ago(600), deprecatedLastTimestamp: ago(30), deprecatedCount: 12,
    };
    assert.deepEqual(eventTable.row(v1, NOW), expected);
    const series: KubeObject = {
      metadata: meta('s'), type: 'Normal', reason: 'Pulled', eventTime: new Date(NOW - 90_000).toISOString(),
      regarding: { kind: 'Pod', name: 'p' }, reportingController: 'kubelet', reportingInstance: 'node-2', series: { count: 4, lastObservedTime: new Date(NOW - 5000).toISOString() },
    };
    assert.deepEqual(eventTable.row(series, NOW).slice(0, 9), ['5s', 'Normal', 'Pulled', 'pod/p', '', 'kubelet, node-2', '', '90s', 4]);
  });
});

describe('batch and autoscaling tables', () => {
  test('jobs: status, completions and duration', () => {
    const job: KubeObject = {
      metadata: meta('migrate'),
      spec: { completions: 3, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template: { spec: { containers: [{ name: 'm', image: 'migrate:2' }] } } },
      status: { succeeded: 3, startTime: ago(300), completionTime: ago(108), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
    };
    assert.deepEqual(header(jobTable), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    assert.deepEqual(jobTable.row(job, NOW), ['migrate', 'Complete', '3/3', '3m12s', '5m', 'm', 'migrate:2', 'batch.kubernetes.io/controller-uid=u1']);
    const queue: KubeObject = { metadata: meta('work'), spec: { parallelism: 4 }, status: { succeeded: 1, startTime: ago(30) } };
    assert.deepEqual(jobTable.row(queue, NOW).slice(1, 4), ['Running', '1/1 of 4', '30s']);
    const failed: KubeObject = { metadata: meta('f'), spec: {}, status: { conditions: [{ type: 'Failed', status: 'True' }] } };
    assert.deepEqual(jobTable.row(failed, NOW).slice(1, 4), ['Failed', '0/1', '']);
  });

  test('cron jobs', () => {
    const cj: KubeObject = { metadata: meta('backup'), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'backup' }] } } } } }, status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(120) } };
    assert.deepEqual(header(cronJobTable), ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    assert.deepEqual(cronJobTable.row(cj, NOW).slice(0, 7), ['backup', '0 3 * * *', '<none>', '<unset>', 1, '2m', '5m']);
  });

  test('horizontal pod autoscalers in v2 and v1 form', () => {
    const v2: KubeObject = {
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        ],
      },
      status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } }] },
    };
    assert.deepEqual(horizontalPodAutoscalerTable.row(v2, NOW),
      ['web', 'Deployment/web', 'cpu: 45%/80%, <unknown>/30 (avg) + 1 more...', '2', 10, 3, '5m']);
    const v1: KubeObject = { metadata: meta('api'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 1 } };
    assert.deepEqual(horizontalPodAutoscalerTable.row(v1, NOW).slice(2, 4), ['cpu: <unknown>/50%', '<unset>']);
  });
});

describe('other tables', () => {
  test('ingresses and endpoint slices', () => {
    const ing: KubeObject = { metadata: meta('web'), spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.50' }] } } };
    assert.deepEqual(ingressTable.row(ing, NOW), ['web', 'nginx', 'a.example.com,b.example.com', '192.168.1.50', '80, 443', '5m']);
    const slice: KubeObject = { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ name: 'http', port: 8080 }], endpoints: [{ addresses: ['10.42.0.5'] }, { addresses: ['10.42.1.7'] }] };
    assert.deepEqual(endpointSliceTable.row(slice, NOW), ['web-abc', 'IPv4', '8080', '10.42.0.5,10.42.1.7', '5m']);
    assert.deepEqual(endpointSliceTable.row({ metadata: meta('empty'), addressType: 'IPv4' }, NOW).slice(2, 4), ['<unset>', '<unset>']);
  });

  test('volumes and storage classes', () => {
    const pv: KubeObject = { metadata: { name: 'pv-1', creationTimestamp: ago(300) }, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local' }, status: { phase: 'Bound' } };
    assert.deepEqual(persistentVolumeTable.row(pv, NOW), ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '5m', '<unset>']);
    const pending: KubeObject = { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local' }, status: { phase: 'Pending' } };
    assert.deepEqual(persistentVolumeClaimTable.row(pending, NOW).slice(0, 6), ['data', 'Pending', '', '', '', 'local']);
    const sc: KubeObject = { metadata: { name: 'local', creationTimestamp: ago(300), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
    assert.deepEqual(storageClassTable.row(sc, NOW), ['local (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '5m']);
  });

  test('role bindings and disruption budgets', () => {
    const rb: KubeObject = { metadata: meta('read'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'ann' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }, { kind: 'User', name: 'bob' }] };
    assert.deepEqual(roleBindingTable.row(rb, NOW), ['read', 'ClusterRole/view', '5m', 'ann, bob', '', 'tools/ci']);
    const pdb: KubeObject = { metadata: meta('web'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } };
    assert.deepEqual(podDisruptionBudgetTable.row(pdb, NOW), ['web', '50%', 'N/A', 1, '5m']);
  });
});
