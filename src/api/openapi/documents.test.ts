import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDefinitions } from './test-helpers.js';
import {
  openapiV2Document, openapiV2DocumentBytes, openapiV3Document, openapiV3DocumentBytes, openapiV3Paths,
  registerExtraSchemas, unregisterExtraSchemas,
} from './index.js';
import type { OpenAPISchema } from './index.js';

before(() => { generateDefinitions(); });

interface V3Doc {
  openapi: string;
  paths: Record<string, Record<string, { 'x-kubernetes-group-version-kind'?: unknown }>>;
  components: { schemas: Record<string, OpenAPISchema> };
}

function v3(gvPath: string): V3Doc {
  const doc = openapiV3Document(gvPath);
  assert.ok(doc, `document for ${gvPath}`);
  return doc as unknown as V3Doc;
}

/** Every $ref in doc, with the prefix it must carry. */
function refs(doc: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') out.push(x);
        else visit(x);
      }
    }
  };
  visit(doc);
  return out;
}

describe('OpenAPI v3', () => {
  test('apis/apps/v1 holds Deployment with its GVK and every $ref resolves in components', () => {
    const doc = v3('apis/apps/v1');
    assert.equal(doc.openapi, '3.0.0');
    const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(deployment?.['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    for (const name of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.api.autoscaling.v1.Scale']) {
      assert.ok(doc.components.schemas[name], name);
    }
    assert.equal(doc.components.schemas['io.k8s.api.batch.v1.Job'], undefined, 'only what apps/v1 reaches');
    const all = refs(doc);
    assert.ok(all.length > 100);
    for (const ref of all) {
      assert.match(ref, /^#\/components\/schemas\//);
      assert.ok(doc.components.schemas[ref.slice('#/components/schemas/'.length)], `${ref} resolves`);
    }
  });

  test('operations on resource paths carry the GVK kubectl explain looks for', () => {
    const doc = v3('apis/apps/v1');
    const gvk = { group: 'apps', kind: 'Deployment', version: 'v1' };
    assert.deepEqual(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']?.['get']?.['x-kubernetes-group-version-kind'], gvk);
    assert.deepEqual(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.['patch']?.['x-kubernetes-group-version-kind'], gvk);
    assert.deepEqual(doc.paths['/apis/apps/v1/deployments']?.['get']?.['x-kubernetes-group-version-kind'], gvk);
    const core = v3('api/v1');
    assert.deepEqual(core.paths['/api/v1/nodes/{name}']?.['get']?.['x-kubernetes-group-version-kind'],
      { group: '', kind: 'Node', version: 'v1' });
  });

  test('struct fields are $refs, allOf refs when patch tags stand beside them', () => {
    const schemas = v3('api/v1').components.schemas;
    const containers = schemas['io.k8s.api.core.v1.PodSpec']?.properties?.['containers'];
    assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
    assert.deepEqual(containers?.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    // A struct field with nothing beside it stays a plain $ref (explain shows the type's description once).
    const affinity = schemas['io.k8s.api.core.v1.PodSpec']?.properties?.['affinity'];
    assert.deepEqual(affinity, { $ref: '#/components/schemas/io.k8s.api.core.v1.Affinity' });
    const strategy = v3('apis/apps/v1').components.schemas['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.['strategy'];
    assert.deepEqual(strategy?.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.equal(strategy?.$ref, undefined);
    assert.equal(strategy?.['x-kubernetes-patch-strategy'], 'retainKeys');
    // kubectl explain prints <Quantity> / <IntOrString> for refs to a schema without `type`.
    assert.equal(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']?.type, undefined);
    assert.equal(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.format, 'int-or-string');
  });

  test('unserved group-versions have no document', () => {
    assert.equal(openapiV3Document('apis/flowcontrol.apiserver.k8s.io/v1'), undefined);
    assert.equal(openapiV3DocumentBytes('apis/nope/v1'), undefined);
  });

  test('root lists each group-version with a ?hash= of its bytes; bytes are reused until a change', () => {
    const paths = openapiV3Paths().paths;
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/autoscaling/v2', 'apis/apiextensions.k8s.io/v1']) {
      assert.ok(paths[gv], gv);
    }
    const bytes = openapiV3DocumentBytes('apis/apps/v1');
    assert.ok(bytes);
    assert.equal(paths['apis/apps/v1']?.serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${bytes.hash}`);
    assert.match(bytes.hash, /^[0-9A-F]{128}$/);
    assert.equal(bytes.etag, `"${bytes.hash}"`);
    assert.equal(openapiV3DocumentBytes('apis/apps/v1'), bytes, 'same serialised buffer');
    assert.deepEqual(JSON.parse(bytes.body.toString('utf8')), openapiV3Document('apis/apps/v1'));
  });

  test('registered schemas add a group-version and change only its hash', () => {
    const apps = openapiV3DocumentBytes('apis/apps/v1');
    const widget = {
      type: 'object', description: 'A widget.',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      properties: {
        metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: { type: 'object', properties: { size: { type: 'integer' } } },
      },
    };
    const resource = { resource: 'widgets', namespaced: true, kind: 'Widget', definition: 'com.example.v1.Widget', verbs: ['get', 'list'] };
    registerExtraSchemas('apis/example.com/v1', { 'com.example.v1.Widget': widget }, [resource]);
    try {
      const first = openapiV3Paths().paths['apis/example.com/v1'];
      assert.ok(first);
      const doc = v3('apis/example.com/v1');
      assert.deepEqual(doc.components.schemas['com.example.v1.Widget']?.description, 'A widget.');
      assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'built-in refs pulled in');
      assert.deepEqual(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets']?.['get']?.['x-kubernetes-group-version-kind'],
        { group: 'example.com', kind: 'Widget', version: 'v1' });
      assert.equal(openapiV3DocumentBytes('apis/apps/v1'), apps, 'other documents keep their bytes');

      registerExtraSchemas('apis/example.com/v1', { 'com.example.v1.Widget': { ...widget, description: 'A better widget.' } }, [resource]);
      assert.notEqual(openapiV3Paths().paths['apis/example.com/v1']?.serverRelativeURL, first.serverRelativeURL);
      assert.ok(openapiV2Document()['definitions'] && JSON.stringify(openapiV2Document()).includes('A better widget.'));
    } finally {
      unregisterExtraSchemas('apis/example.com/v1');
    }
    assert.equal(openapiV3Paths().paths['apis/example.com/v1'], undefined);
    assert.equal(openapiV3Document('apis/example.com/v1'), undefined);
  });
});

describe('OpenAPI v2', () => {
  test('swagger 2.0 with every definition and #/definitions/ refs that resolve', () => {
    const doc = openapiV2Document() as { swagger: string; definitions: Record<string, OpenAPISchema>; paths: Record<string, unknown> };
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.definitions['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'],
      [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']);
    for (const ref of refs(doc)) {
      assert.match(ref, /^#\/definitions\//);
      assert.ok(doc.definitions[ref.slice('#/definitions/'.length)], `${ref} resolves`);
    }
    assert.equal(openapiV2DocumentBytes(), openapiV2DocumentBytes());
  });
});
