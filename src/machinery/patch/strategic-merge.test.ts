// Expected results were checked against kubectl's own strategicpatch package
// (`kubectl patch --local --type strategic`), the code kube-apiserver runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../errors.js';
import { applyStrategicMergePatch, patchSchemaFromJson, type PatchSchemaDescriptor } from './index.js';

const mergeBy = (key: string, items: PatchSchemaDescriptor, strategy = 'merge'): PatchSchemaDescriptor =>
  ({ type: 'list', patchStrategy: strategy, patchMergeKey: key, items });
const container: PatchSchemaDescriptor = { fields: {
  name: {}, image: {}, command: { type: 'list', items: {} },
  env: mergeBy('name', { fields: { name: {}, value: {} } }),
  ports: mergeBy('containerPort', { fields: { containerPort: {}, protocol: {} } }),
} };
const objectMeta: PatchSchemaDescriptor = { fields: {
  name: {}, labels: { values: {} }, annotations: { values: {} },
  finalizers: { type: 'list', patchStrategy: 'merge', items: {} },
} };
const podSpec: PatchSchemaDescriptor = { fields: {
  containers: mergeBy('name', container),
  volumes: mergeBy('name', { fields: { name: {}, emptyDir: { fields: {} }, configMap: { fields: { name: {} } } } }, 'merge,retainKeys'),
  tolerations: { type: 'list', items: { fields: {} } },
} };
const podSchema = patchSchemaFromJson({ fields: { metadata: objectMeta, spec: podSpec } });
const deploymentSchema = patchSchemaFromJson({ fields: { metadata: objectMeta, spec: { fields: {
  replicas: {},
  strategy: { patchStrategy: 'retainKeys', fields: { type: {}, rollingUpdate: { fields: { maxSurge: {}, maxUnavailable: {} } } } },
  template: { fields: { metadata: objectMeta, spec: podSpec } },
} } } });

type Obj = Record<string, unknown>;
const c = (name: string, extra: Obj = {}): Obj => ({ name, image: 'nginx', ...extra });

function pod(): Obj {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'web', tier: 'front' }, finalizers: ['x', 'y', 'z'] },
    spec: {
      containers: [c('a', { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }, { name: 'Z', value: '3' }] }), c('b'), c('c')],
      tolerations: [{ key: 'k', operator: 'Exists' }],
      volumes: [{ name: 'v', emptyDir: {} }],
    },
  };
}

function deployment(): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [c('web', { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] })] } },
    },
  };
}

const smp = (doc: Obj, patch: Obj, schema = podSchema): Obj => applyStrategicMergePatch(doc, patch, schema);
const spec = (o: Obj): Obj => o.spec as Obj;
const names = (o: Obj): unknown[] => (spec(o).containers as Obj[]).map((x) => x.name);

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail('no error');
}

describe('maps', () => {
  test('null removes a label, other labels merge', () => {
    const out = smp(pod(), { metadata: { labels: { tier: null, env: 'prod' } } });
    assert.deepEqual((out.metadata as Obj).labels, { app: 'web', env: 'prod' });
  });

  test('$patch: replace replaces the map, $patch: delete empties it', () => {
    assert.deepEqual((smp(pod(), { metadata: { labels: { $patch: 'replace', only: '1' } } }).metadata as Obj).labels, { only: '1' });
    assert.deepEqual((smp(pod(), { metadata: { labels: { $patch: 'delete' } } }).metadata as Obj).labels, {});
  });

  test('neither the document nor the patch is changed', () => {
    const doc = pod();
    const patch = { metadata: { labels: { tier: null } }, spec: { containers: [{ name: 'b', $patch: 'delete' }] } };
    const docBefore = JSON.stringify(doc);
    const patchBefore = JSON.stringify(patch);
    smp(doc, patch);
    assert.equal(JSON.stringify(doc), docBefore);
    assert.equal(JSON.stringify(patch), patchBefore);
  });
});

describe('lists merged by key', () => {
  test('an existing element merges in place', () => {
    const out = smp(pod(), { spec: { containers: [{ name: 'b', image: 'redis' }] } });
    assert.deepEqual(spec(out).containers, [(spec(pod()).containers as Obj[])[0], c('b', { image: 'redis' }), c('c')]);
  });

  test('what kubectl apply sends when one env var changes: order kept by $setElementOrder', () => {
    const out = smp(deployment(), { spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'web' }],
      containers: [{ name: 'web', '$setElementOrder/env': [{ name: 'X' }, { name: 'Y' }], env: [{ name: 'X', value: 'changed' }] }],
    } } } }, deploymentSchema);
    const tmpl = (spec(out).template as Obj).spec as Obj;
    assert.deepEqual(tmpl.containers, [c('web', { env: [{ name: 'X', value: 'changed' }, { name: 'Y', value: '2' }] })]);
  });

  test('$setElementOrder places a new element and reorders the rest', () => {
    const out = smp(pod(), { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'd' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'd', image: 'd' }] } });
    assert.deepEqual(names(out), ['c', 'd', 'a', 'b']);
  });

  test('without $setElementOrder a new element goes first, as in kube', () => {
    assert.deepEqual(names(smp(pod(), { spec: { containers: [{ name: 'd', image: 'd' }] } })), ['d', 'a', 'b', 'c']);
    assert.deepEqual(names(smp(pod(), { spec: { containers: [{ name: 'c', image: 'x' }, { name: 'a', image: 'x' }] } })), ['b', 'c', 'a']);
  });

  test('$patch: delete removes a container; unknown names are ignored', () => {
    assert.deepEqual(names(smp(pod(), { spec: { containers: [{ name: 'b', $patch: 'delete' }] } })), ['a', 'c']);
    assert.deepEqual(names(smp(pod(), { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }], containers: [{ name: 'b', $patch: 'delete' }] } })), ['a', 'c']);
    assert.deepEqual(names(smp(pod(), { spec: { containers: [{ name: 'q', $patch: 'delete' }] } })), ['a', 'b', 'c']);
  });

  test('an env var deleted the way kubectl apply deletes it', () => {
    const out = smp(pod(), { spec: { containers: [{ name: 'a', '$setElementOrder/env': [{ name: 'X' }, { name: 'Z' }], env: [{ name: 'Y', $patch: 'delete' }] }] } });
    assert.deepEqual((spec(out).containers as Obj[])[0]?.env, [{ name: 'X', value: '1' }, { name: 'Z', value: '3' }]);
  });

  test('$patch: replace makes the patch the whole list', () => {
    const out = smp(pod(), { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } });
    assert.deepEqual(spec(out).containers, [{ name: 'only', image: 'o' }]);
  });

  test('a null member inside a merged element deletes that member', () => {
    const out = smp(pod(), { spec: { containers: [{ name: 'a', env: null, image: 'new' }] } });
    assert.deepEqual((spec(out).containers as Obj[])[0], { name: 'a', image: 'new' });
  });

  test('lists without the merge strategy are replaced', () => {
    assert.deepEqual(spec(smp(pod(), { spec: { tolerations: [{ key: 'n' }] } })).tolerations, [{ key: 'n' }]);
    const out = smp(pod(), { spec: { containers: [{ name: 'a', command: ['sh'] }] } });
    assert.deepEqual((spec(out).containers as Obj[])[0]?.command, ['sh']);
  });
});

describe('lists of scalars with the merge strategy (finalizers)', () => {
  const finalizers = (o: Obj): unknown => (o.metadata as Obj).finalizers;
  test('a patch list is a set union', () => {
    assert.deepEqual(finalizers(smp(pod(), { metadata: { finalizers: ['w', 'x'] } })), ['w', 'x', 'y', 'z']);
    assert.deepEqual(finalizers(smp(pod(), { metadata: { '$setElementOrder/finalizers': ['x', 'w', 'y', 'z'], finalizers: ['w'] } })), ['x', 'w', 'y', 'z']);
  });
  test('$deleteFromPrimitiveList removes items', () => {
    assert.deepEqual(finalizers(smp(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['y'] } })), ['x', 'z']);
    assert.deepEqual(finalizers(smp(pod(), { metadata: { '$setElementOrder/finalizers': ['z', 'x'], '$deleteFromPrimitiveList/finalizers': ['y'] } })), ['z', 'x']);
  });
  test('null still removes the whole list', () => {
    assert.equal(finalizers(smp(pod(), { metadata: { finalizers: null } })), undefined);
  });
});

describe('$retainKeys', () => {
  test('Deployment strategy RollingUpdate → Recreate clears rollingUpdate', () => {
    const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema);
    assert.deepEqual(spec(out).strategy, { type: 'Recreate' });
  });
  test('listed fields are kept and merged', () => {
    const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['rollingUpdate', 'type'], rollingUpdate: { maxSurge: 3 } } } }, deploymentSchema);
    assert.deepEqual(spec(out).strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 0 } });
  });
  test('inside a merged list element (volumes)', () => {
    const out = smp(pod(), { spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } });
    assert.deepEqual(spec(out).volumes, [{ name: 'v', configMap: { name: 'cm' } }]);
  });
  test('a patch field missing from the list is a 400', () => {
    const e = statusOf(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 2 } } } }, deploymentSchema));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'invalid patch format of retainKeys');
  });
});

describe('values the patch adds', () => {
  test('no directive or null member is stored', () => {
    const out = smp(pod(), { spec: { containers: [{ name: 'n', image: 'n', env: [{ name: 'A', value: null }, { name: 'B', $patch: 'delete' }] }], extra: { $patch: 'replace', k: 'v', gone: null } } });
    assert.deepEqual((spec(out).containers as Obj[])[0], { name: 'n', image: 'n', env: [{ name: 'A' }] });
    assert.deepEqual(spec(out).extra, { k: 'v' });
  });
});

describe('without a schema: JSON merge patch semantics', () => {
  test('maps merge, lists replace, null deletes', () => {
    const out = applyStrategicMergePatch({ a: { b: 1, c: 2 }, l: [1, 2], x: 1 }, { a: { c: null, d: 3 }, l: [3], x: null }, undefined);
    assert.deepEqual(out, { a: { b: 1, d: 3 }, l: [3] });
  });
  test('fields the schema does not know are merged the same way', () => {
    const out = smp(pod(), { spec: { unknownList: [1], containers: [{ name: 'a', custom: { deep: [{ x: 1 }] } }] } });
    assert.deepEqual(spec(out).unknownList, [1]);
    assert.deepEqual((spec(out).containers as Obj[])[0]?.custom, { deep: [{ x: 1 }] });
  });
});

describe('errors as kube-apiserver answers them', () => {
  test('an element without its merge key: 500 with the raw message', () => {
    const e = statusOf(() => smp(pod(), { spec: { containers: [{ image: 'x' }] } }));
    assert.equal(e.code, 500);
    assert.equal(e.reason, '');
    assert.equal(e.message, 'map: map[image:x] does not contain declared merge key: name');
  });
  test('$patch: merge is not supported in lists, and unknown directives are refused', () => {
    assert.equal(statusOf(() => smp(pod(), { spec: { containers: [{ name: 'a', $patch: 'merge' }] } })).message, 'merging lists cannot yet be specified in the patch');
    assert.equal(statusOf(() => smp(pod(), { spec: { containers: [{ name: 'a', $patch: 'bogus' }] } })).message, 'unknown patch type: bogus in map: map[$patch:bogus name:a]');
    assert.equal(statusOf(() => smp(pod(), { spec: { $patch: 'merge' } })).message, 'unknown patch type: merge in map: map[$patch:merge]');
  });
  test('mixed element types', () => {
    assert.equal(statusOf(() => smp(pod(), { metadata: { finalizers: [1] } })).message, 'list element types are not identical: [[x y z] [1]]');
  });
  test('lists of lists: 422', () => {
    const e = statusOf(() => smp({ spec: { containers: [] } }, { spec: { containers: [['a']] } }));
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
  });
  test('malformed directives: 400', () => {
    assert.equal(statusOf(() => smp(pod(), { metadata: { '$deleteFromPrimitiveListfinalizers': ['x'] } })).message, 'invalid patch format of primitive list');
    assert.equal(statusOf(() => smp(pod(), { metadata: { '$setElementOrderfinalizers': ['x'] } })).message, 'invalid patch format of setElementOrder list');
    assert.equal(statusOf(() => smp(pod(), { metadata: { $retainKeys: 'x' } })).code, 400);
    assert.equal(statusOf(() => smp(pod(), { metadata: { '$setElementOrder/finalizers': 'x' } })).message, 'expected a []interface {}, but received a string');
  });
  test('a patch list out of $setElementOrder order', () => {
    const e = statusOf(() => smp(pod(), { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } }));
    assert.equal(e.message, 'The order in patch list:\n[map[image:x name:a] map[image:y name:b]]\n doesn\'t match $setElementOrder list:\n[map[name:b] map[name:a]]\n');
  });
  test('a patch that is not an object: 400', () => {
    assert.equal(statusOf(() => applyStrategicMergePatch({}, [1], podSchema)).code, 400);
  });
});
