import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { printerColumnsFor, resourceDefsForCRD, servedVersionsByPriority } from './resource-def.js';
import { compareKubeVersions, sortKubeVersions } from '../../machinery/versions.js';
import { defaultCRD } from './validate-crd.js';
import { cronTabCRD } from './crontab-fixture.js';
import type { CRDVersion, CustomResourceDefinition } from './types.js';

function withVersions(versions: CRDVersion[]): CustomResourceDefinition {
  const crd = cronTabCRD();
  assert.ok(crd.spec);
  crd.spec.versions = versions;
  defaultCRD(crd);
  return crd;
}

const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };

describe('kube version priority', () => {
  test('sorts as the apiextensions documentation example', () => {
    const want = ['v10', 'v2', 'v1', 'v11beta2', 'v10beta3', 'v3beta1', 'v12alpha1', 'v11alpha2', 'foo1', 'foo10'];
    const shuffled = ['foo10', 'v1', 'v11alpha2', 'v3beta1', 'v2', 'foo1', 'v12alpha1', 'v10beta3', 'v10', 'v11beta2'];
    assert.deepEqual(sortKubeVersions(shuffled), want);
  });

  test('GA beats any beta, beta beats any alpha', () => {
    assert.ok(compareKubeVersions('v1', 'v2beta1') > 0);
    assert.ok(compareKubeVersions('v1beta1', 'v9alpha9') > 0);
    assert.ok(compareKubeVersions('v1beta2', 'v1beta1') > 0);
    assert.equal(compareKubeVersions('v1', 'v1'), 0);
  });
});

describe('resourceDefsForCRD', () => {
  test('the CronTab CRD serves one namespaced resource with all verbs', () => {
    const crd = cronTabCRD();
    defaultCRD(crd);
    const defs = resourceDefsForCRD(crd);
    assert.equal(defs.length, 1);
    const def = defs[0];
    assert.ok(def);
    assert.deepEqual({ ...def, crd: undefined }, {
      group: 'stable.example.com', version: 'v1', kind: 'CronTab', listKind: 'CronTabList', resource: 'crontabs',
      singular: 'crontab', namespaced: true, shortNames: ['ct'], categories: [],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [], storageResource: 'crontabs', storageGroup: 'stable.example.com',
      storageVersion: true, preferredVersion: true, crd: undefined,
    });
    assert.equal(def.crd?.crdName, 'crontabs.stable.example.com');
    assert.equal(def.crd?.preserveUnknownFields, false);
    assert.equal((def.crd?.schema as { type?: string } | undefined)?.type, 'object');
  });

  test('only served versions; the preferred one by kube priority, not by order', () => {
    const crd = withVersions([
      { name: 'v1beta1', served: true, storage: false, schema },
      { name: 'v1', served: true, storage: true, schema },
      { name: 'v2alpha1', served: true, storage: false, schema },
      { name: 'v0', served: false, storage: false, schema },
    ]);
    assert.deepEqual(servedVersionsByPriority(crd), ['v1', 'v1beta1', 'v2alpha1']);
    const defs = resourceDefsForCRD(crd);
    assert.deepEqual(defs.map((d) => [d.version, d.preferredVersion, d.storageVersion]),
      [['v1beta1', false, false], ['v1', true, true], ['v2alpha1', false, false]]);
    assert.ok(defs.every((d) => d.crd?.preserveUnknownFields === true));
  });

  test('status and scale subresources with their paths', () => {
    const crd = withVersions([{
      name: 'v1', served: true, storage: true, schema,
      subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
    }]);
    const [def] = resourceDefsForCRD(crd);
    assert.deepEqual(def?.subresources, [
      { name: 'status', kind: 'CronTab', verbs: ['get', 'patch', 'update'] },
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
    ]);
    assert.deepEqual(def?.scale, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' });
  });

  test('cluster scope and categories', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec?.names);
    crd.spec.scope = 'Cluster';
    crd.spec.names.categories = ['all'];
    defaultCRD(crd);
    const [def] = resourceDefsForCRD(crd);
    assert.equal(def?.namespaced, false);
    assert.deepEqual(def?.categories, ['all']);
  });
});

describe('printerColumnsFor', () => {
  test('a version without columns shows Age', () => {
    const crd = cronTabCRD();
    assert.deepEqual(printerColumnsFor(crd, 'v1').map((c) => [c.name, c.type, c.jsonPath]), [['Age', 'date', '.metadata.creationTimestamp']]);
  });

  test('declared columns in order, with defaults for format and priority', () => {
    const crd = cronTabCRD();
    const v = crd.spec?.versions?.[0];
    assert.ok(v);
    v.additionalPrinterColumns = [
      { name: 'Spec', type: 'string', description: 'The cron spec defining the interval a CronJob is run', jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ];
    assert.deepEqual(printerColumnsFor(crd, 'v1'), [
      { name: 'Spec', type: 'string', format: '', description: 'The cron spec defining the interval a CronJob is run', priority: 0, jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer', format: '', description: '', priority: 1, jsonPath: '.spec.replicas' },
      { name: 'Age', type: 'date', format: '', description: '', priority: 0, jsonPath: '.metadata.creationTimestamp' },
    ]);
  });
});
