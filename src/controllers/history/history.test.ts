// ControllerRevision helpers: hashing and naming as kube does, the stored patch and its inverse,
// ordering, and the collision probe against a real API server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster } from '../../../test/helpers/cluster.js';
import { testClient } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import {
  applyRevision, computeTemplateHash, controllerRevisionName, createControllerRevision, findEqualRevisions, fnv1, fnv1a,
  goJson, hashRevisionData, newControllerRevision, nextRevision, revisionMatches, safeEncode, sortRevisions, templatePatch,
  type ControllerRevision, type TemplateOwner,
} from './index.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

test('FNV-1 and FNV-1a 32-bit match the reference vectors', () => {
  assert.equal(fnv1(bytes('')), 0x811c9dc5);
  assert.equal(fnv1(bytes('a')), 0x050c5d7e);
  assert.equal(fnv1(bytes('foobar')), 0x31f0b262);
  assert.equal(fnv1a(bytes('a')), 0xe40c292c);
  assert.equal(fnv1a(bytes('foobar')), 0xbf9cf968);
});

test('safe encoding maps every character into consonants and digits', () => {
  // Decimal digits land on 4-9 and b-f, as in kube's names (web-7c5ddbdf54).
  assert.equal(safeEncode('0123456789'), '456789bcdf');
  assert.match(safeEncode(String(fnv1(bytes('x')))), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('data is hashed in Go JSON form: sorted keys, HTML-safe; the collision count changes the hash', () => {
  assert.equal(goJson({ b: 1, a: { d: '<&>', c: [2, { z: 1, y: 0 }] } }), '{"a":{"c":[2,{"y":0,"z":1}],"d":"\\u003c\\u0026\\u003e"},"b":1}');
  const h0 = hashRevisionData({ a: 1, b: 2 }, 0);
  assert.equal(hashRevisionData({ b: 2, a: 1 }, 0), h0);
  assert.notEqual(hashRevisionData({ a: 1, b: 2 }, 1), h0);
  assert.equal(controllerRevisionName('web', h0), `web-${h0}`);
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  assert.notEqual(computeTemplateHash({ a: 1 }, 0), computeTemplateHash({ a: 1 }, 1));
  assert.equal(computeTemplateHash({ a: 1, b: 2 }), computeTemplateHash({ b: 2, a: 1 }));
});

const owner = (image: string): TemplateOwner => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations: { 'kubernetes.io/change-cause': 'because' } },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image, env: [{ name: 'A', value: '1' }] }] } } } as TemplateOwner['spec'],
});

test('a revision stores the template as a replace patch; applying it restores exactly that template', () => {
  const v1 = owner('img:1');
  const data = templatePatch(v1);
  assert.deepEqual(data, { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'img:1', env: [{ name: 'A', value: '1' }] }] } } } });
  const rev = newControllerRevision({ owner: v1, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', templateLabels: { app: 'web' }, data, revision: 1, collisionCount: 0, annotations: v1.metadata?.annotations });
  assert.equal(rev.metadata?.name, `web-${hashRevisionData(data, 0)}`);
  assert.equal(rev.metadata?.labels?.['controller.kubernetes.io/hash'], hashRevisionData(data, 0));
  assert.equal(rev.metadata?.labels?.app, 'web');
  assert.equal(rev.metadata?.annotations?.['kubernetes.io/change-cause'], 'because');
  assert.deepEqual(rev.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }]);

  // v2 drops the env var: a merge would keep it, the replace patch must not.
  const v2 = owner('img:2');
  (v2.spec!.template as { spec: { containers: { env?: unknown }[] } }).spec.containers[0]!.env = undefined;
  const back = applyRevision(v2, rev);
  assert.deepEqual(back.spec?.template, v1.spec?.template);
  assert.equal((back.spec as { replicas: number }).replicas, 3);
  assert.ok(revisionMatches(v1, rev));
  assert.ok(!revisionMatches(v2, rev));
});

test('revisions sort by number, then age, then name; the next number follows the highest', () => {
  const r = (name: string, revision: number, created = '2024-01-01T00:00:00Z'): ControllerRevision => ({ metadata: { name, creationTimestamp: created }, revision, data: { n: name } });
  const sorted = sortRevisions([r('c', 3), r('b', 1, '2024-01-02T00:00:00Z'), r('a', 1, '2024-01-02T00:00:00Z'), r('z', 1)]);
  assert.deepEqual(sorted.map((x) => x.metadata?.name), ['z', 'a', 'b', 'c']);
  assert.equal(nextRevision(sorted), 4);
  assert.equal(nextRevision([]), 1);
  assert.deepEqual(findEqualRevisions(sorted, { data: { n: 'b' } }).map((x) => x.metadata?.name), ['b']);
});

test('creating a revision whose name is taken by other data probes the next collision count', async () => {
  const c = await startTestCluster();
  const client = testClient(c);
  try {
    const v1 = owner('img:1');
    const rev = newControllerRevision({ owner: v1, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', templateLabels: {}, data: templatePatch(v1), revision: 1, collisionCount: 0 });
    delete rev.metadata!.ownerReferences; // no such owner in this cluster
    // Someone else's revision holds the name with different data.
    await client.create(R.controllerrevisions, 'default', { ...rev, data: { other: true } });
    const made = await createControllerRevision(client, 'web', rev, 0);
    assert.equal(made.collisionCount, 1);
    assert.equal(made.revision.metadata?.name, `web-${hashRevisionData(rev.data, 1)}`);
    // The same data again: the existing revision is the answer, no new probe.
    const again = await createControllerRevision(client, 'web', rev, 0);
    assert.equal(again.revision.metadata?.uid, made.revision.metadata?.uid);
    assert.equal(again.collisionCount, 1);
  } finally {
    client.close();
    await c.stop();
  }
});
