import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceDef } from '../types.js';
import { ResourceRegistry, compareVersionPriority, type RegistryChange } from './registry.js';

function crd(version: string, preferred: boolean): ResourceDef {
  return {
    group: 'stable.example.com', version, kind: 'CronTab', listKind: 'CronTabList', resource: 'crontabs', singular: 'crontab',
    namespaced: true, shortNames: ['ct'], categories: [], verbs: ['get', 'list'], subresources: [],
    storageResource: 'crontabs', storageGroup: 'stable.example.com', storageVersion: preferred, preferredVersion: preferred,
    crd: { crdName: 'crontabs.stable.example.com', schema: undefined, preserveUnknownFields: true },
  };
}

describe('ResourceRegistry', () => {
  test('looks up by group/version/resource, by kind and by resource', () => {
    const r = new ResourceRegistry();
    assert.equal(r.get('apps', 'v1', 'deployments')?.kind, 'Deployment');
    assert.equal(r.get('', 'v1', 'pods')?.kind, 'Pod');
    assert.equal(r.get('apps', 'v1beta1', 'deployments'), undefined);
    assert.equal(r.byKind('autoscaling', 'HorizontalPodAutoscaler')?.version, 'v2');
    assert.equal(r.byKind('autoscaling', 'HorizontalPodAutoscaler', 'v1')?.version, 'v1');
    assert.equal(r.byResource('', 'services')?.kind, 'Service');
    assert.equal(r.byKind('', 'Deployment'), undefined);
  });

  test('groups for discovery: core first, preferred version first', () => {
    const groups = new ResourceRegistry().groups();
    assert.deepEqual(groups[0], { name: '', versions: ['v1'], preferredVersion: 'v1' });
    assert.deepEqual(groups.find((g) => g.name === 'autoscaling'), { name: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' });
    assert.deepEqual(groups.slice(1, 3).map((g) => g.name), ['apps', 'events.k8s.io']);
  });

  test('resources of a group version are sorted by name', () => {
    const names = new ResourceRegistry().resources('apps', 'v1').map((d) => d.resource);
    assert.deepEqual(names, ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    assert.deepEqual(new ResourceRegistry().resources('apps', 'v9'), []);
  });

  test('CRDs add and remove entries and listeners hear of it', () => {
    const r = new ResourceRegistry();
    const heard: RegistryChange[][] = [];
    const stop = r.onChange((c) => heard.push([...c]));
    r.add(crd('v1beta1', false), crd('v1', true));
    assert.equal(heard.length, 1);
    assert.deepEqual(heard[0]?.map((c) => [c.type, c.def.version]), [['added', 'v1beta1'], ['added', 'v1']]);
    assert.deepEqual(r.groups().at(-1), { name: 'stable.example.com', versions: ['v1', 'v1beta1'], preferredVersion: 'v1' });
    assert.equal(r.byKind('stable.example.com', 'CronTab')?.version, 'v1');

    // Replacing an entry reports the old one as removed.
    r.add({ ...crd('v1', true), shortNames: ['cts'] });
    assert.deepEqual(heard[1]?.map((c) => c.type), ['removed', 'added']);
    assert.deepEqual(r.get('stable.example.com', 'v1', 'crontabs')?.shortNames, ['cts']);

    assert.equal(r.remove('stable.example.com', 'v1beta1', 'crontabs'), true);
    assert.equal(r.remove('stable.example.com', 'v1beta1', 'crontabs'), false);
    assert.equal(heard.length, 3);
    const gone = r.removeWhere((d) => d.crd?.crdName === 'crontabs.stable.example.com');
    assert.equal(gone.length, 1);
    assert.equal(r.groups().some((g) => g.name === 'stable.example.com'), false);
    assert.equal(r.byKind('stable.example.com', 'CronTab'), undefined);

    stop();
    r.add(crd('v1', true));
    assert.equal(heard.length, 4);
  });

  test('groups() hands out copies', () => {
    const r = new ResourceRegistry();
    r.groups()[0]?.versions.push('v2');
    assert.deepEqual(r.groups()[0]?.versions, ['v1']);
  });

  test('kube version priority: GA, then beta, then alpha, newest first; others last', () => {
    const sorted = ['v1alpha1', 'foo', 'v1', 'v2beta1', 'v11alpha2', 'v2', 'v1beta2', 'bar', 'v12alpha1'].sort(compareVersionPriority);
    assert.deepEqual(sorted, ['v2', 'v1', 'v2beta1', 'v1beta2', 'v12alpha1', 'v11alpha2', 'v1alpha1', 'bar', 'foo']);
  });
});
