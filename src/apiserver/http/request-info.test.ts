import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const q = (s = '') => new URLSearchParams(s);

test('namespaced collection, object and subresource paths', () => {
  assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1/namespaces/default/deployments', q()),
    { isResource: true, verb: 'list', apiPrefix: 'apis', group: 'apps', version: 'v1', namespace: 'default',
      resource: 'deployments', name: '', subresource: '', path: '/apis/apps/v1/namespaces/default/deployments' });
  const s = parseRequestInfo('PUT', '/apis/apps/v1/namespaces/ns1/deployments/web/scale', q());
  assert.equal(s.isResource && s.verb, 'update');
  assert.equal(s.isResource && s.subresource, 'scale');
  assert.equal(s.isResource && s.name, 'web');
});

test('a namespace is named by its own path, with status and finalize as its subresources', () => {
  const ns = parseRequestInfo('GET', '/api/v1/namespaces/kube-system', q());
  assert.ok(ns.isResource);
  assert.equal(ns.resource, 'namespaces'); assert.equal(ns.name, 'kube-system'); assert.equal(ns.namespace, '');
  const st = parseRequestInfo('PUT', '/api/v1/namespaces/kube-system/status', q());
  assert.ok(st.isResource);
  assert.equal(st.resource, 'namespaces'); assert.equal(st.name, 'kube-system'); assert.equal(st.subresource, 'status');
  const pods = parseRequestInfo('GET', '/api/v1/namespaces/status/pods', q());
  assert.ok(pods.isResource);
  assert.equal(pods.resource, 'pods'); assert.equal(pods.namespace, 'status');
});

test('watch from the query or the legacy /watch/ prefix; delete of a collection', () => {
  const w = parseRequestInfo('GET', '/api/v1/pods', q('watch=1'));
  assert.equal(w.isResource && w.verb, 'watch');
  const legacy = parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods', q());
  assert.ok(legacy.isResource);
  assert.equal(legacy.verb, 'watch'); assert.equal(legacy.namespace, 'a'); assert.equal(legacy.resource, 'pods');
  assert.equal(parseRequestInfo('DELETE', '/api/v1/namespaces/a/pods', q()).verb, 'deletecollection');
  assert.equal(parseRequestInfo('GET', '/healthz', q()).isResource, false);
  assert.equal(parseRequestInfo('GET', '/apis/apps', q()).isResource, false);
});
