import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionName, openapiResourcesForCRD, openapiSchemasForCRD } from './openapi.js';
import { defaultCRD } from './validate-crd.js';
import { cronTabCRD } from './crontab-fixture.js';

describe('openapiSchemasForCRD', () => {
  test('publishes CronTab and CronTabList under the group-version path', () => {
    const crd = cronTabCRD();
    defaultCRD(crd);
    const docs = openapiSchemasForCRD(crd);
    assert.deepEqual(Object.keys(docs), ['apis/stable.example.com/v1']);
    const defs = docs['apis/stable.example.com/v1'];
    assert.ok(defs);
    assert.deepEqual(Object.keys(defs), ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);

    const kind = defs['com.example.stable.v1.CronTab'];
    assert.ok(kind);
    assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    const props = kind.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(props).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(props.metadata?.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    assert.equal(props.apiVersion?.type, 'string');
    assert.equal((props.spec?.properties as Record<string, { maximum?: number }>).replicas?.maximum, 10);

    const list = defs['com.example.stable.v1.CronTabList'];
    assert.ok(list);
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }]);
    assert.deepEqual((list.properties as Record<string, Record<string, unknown>>).items?.items,
      { $ref: '#/components/schemas/com.example.stable.v1.CronTab' });
  });

  test('does not change the CRD it reads', () => {
    const crd = cronTabCRD();
    defaultCRD(crd);
    const before = JSON.stringify(crd);
    openapiSchemasForCRD(crd);
    assert.equal(JSON.stringify(crd), before);
  });

  test('unserved versions are not published; embedded resources get TypeMeta', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec?.versions);
    crd.spec.versions.push({ name: 'v2', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } });
    const root = crd.spec.versions[0]?.schema?.openAPIV3Schema as { properties: Record<string, unknown> };
    root.properties.template = { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true };
    defaultCRD(crd);
    const docs = openapiSchemasForCRD(crd);
    assert.deepEqual(Object.keys(docs), ['apis/stable.example.com/v1']);
    const kind = docs['apis/stable.example.com/v1']?.['com.example.stable.v1.CronTab'];
    const template = (kind?.properties as Record<string, Record<string, unknown>>).template;
    assert.deepEqual(template?.required, ['kind', 'apiVersion']);
    assert.deepEqual(Object.keys(template?.properties as object).sort(), ['apiVersion', 'kind', 'metadata']);
  });

  test('definition names reverse the group', () => {
    assert.equal(definitionName('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
  });

  test('lists the resource kubectl explain looks the kind up by', () => {
    const crd = cronTabCRD();
    defaultCRD(crd);
    assert.deepEqual(openapiResourcesForCRD(crd), {
      'apis/stable.example.com/v1': [{
        resource: 'crontabs', namespaced: true, kind: 'CronTab', definition: 'com.example.stable.v1.CronTab',
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      }],
    });
  });
});
