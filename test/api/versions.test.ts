// One object, several API versions: autoscaling/v1 and v2 HPAs, core and events.k8s.io Events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

test('an HPA created as autoscaling/v1 reads back as v2 and the other way round', async () => {
  const v1 = await c.request('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', { body: {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
  } });
  assert.equal(v1.status, 201, v1.body);
  assert.equal(v1.json().apiVersion, 'autoscaling/v1');
  assert.equal(v1.json().spec.targetCPUUtilizationPercentage, 60);
  const v2 = (await c.request('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).json();
  assert.equal(v2.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  assert.equal(v2.metadata.resourceVersion, v1.json().metadata.resourceVersion);
  const out = (await c.kubectl(['get', 'hpa', 'web'])).stdout;
  assert.match(out, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\n/);
  assert.match(out, /\nweb\s+Deployment\/web\s+/);
});

test('an Event posted as events.k8s.io/v1 is listed by core/v1 and by kubectl get events', async () => {
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const r = await c.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', { body: {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.1' }, eventTime: now,
    reportingController: 'k8ts.io/test', reportingInstance: 'test-1', action: 'Scale', reason: 'ScalingReplicaSet', type: 'Normal',
    regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' }, note: 'Scaled up replica set web-1 to 2',
  } });
  assert.equal(r.status, 201, r.body);
  const core = (await c.request('GET', '/api/v1/namespaces/default/events/web.1')).json();
  assert.equal(core.apiVersion, 'v1');
  assert.equal(core.involvedObject.name, 'web');
  assert.equal(core.message, 'Scaled up replica set web-1 to 2');
  const byField = (await c.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DDeployment,reason%3DScalingReplicaSet')).json();
  assert.equal(byField.items.length, 1);
  const out = (await c.kubectl(['get', 'events'])).stdout;
  assert.match(out, /ScalingReplicaSet/);
  assert.match(out, /Scaled up replica set web-1 to 2/);
});

test('watches of both Event versions, each with its own version\'s field selector, see the same event', async () => {
  // The watch cache shares one stored value between the versions; each reads its own fields.
  const list = (await c.request('GET', '/api/v1/namespaces/default/events?limit=1')).json();
  const rv = list.metadata.resourceVersion;
  const watch = (path: string) => c.request('GET', `${path}?watch=1&timeoutSeconds=2&resourceVersion=${rv}&fieldSelector=${encodeURIComponent(path.includes('events.k8s.io') ? 'regarding.name=api' : 'involvedObject.name=api')}`);
  const [modern, legacy] = [watch('/apis/events.k8s.io/v1/namespaces/default/events'), watch('/api/v1/namespaces/default/events')];
  const r = await c.request('POST', '/api/v1/namespaces/default/events', { body: {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'api.1' }, reason: 'Started', message: 'started', type: 'Normal',
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'api', namespace: 'default' }, source: { component: 'test' },
  } });
  assert.equal(r.status, 201, r.body);
  for (const [w, apiVersion] of [[modern, 'events.k8s.io/v1'], [legacy, 'v1']] as const) {
    const events = (await w).body.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name]), [['ADDED', apiVersion, 'api.1']]);
  }
});
