// Golden files for the pod lifecycle stages: testdata/stages/<case>.input.json holds a pod and the
// stage context; <case>.golden.json the action the sim takes. UPDATE_GOLDEN=1 rewrites the goldens
// (review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../../test/helpers/cluster.js';
import { nextPodAction, type StageContext } from './pod-stages.js';
import { normalizeImage, imageId } from './pod-status.js';
import { parseDuration } from './duration.js';
import type { SimPod } from './types.js';

const dir = join(repoRoot(), 'src', 'kubelet', 'runtime', 'sim', 'testdata', 'stages');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.input.json')).sort()) {
  const name = file.replace(/\.input\.json$/, '');
  test(`stage golden: ${name}`, () => {
    const input = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { pod: SimPod; ctx: StageContext };
    const action = nextPodAction(Object.freeze(input.pod), input.ctx);
    const goldenPath = join(dir, `${name}.golden.json`);
    const text = `${JSON.stringify(action, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenPath)) writeFileSync(goldenPath, text);
    assert.deepEqual(action, JSON.parse(readFileSync(goldenPath, 'utf8')));
  });
}

test('image names and IDs are reported as containerd does', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('bitnami/redis:7'), 'docker.io/bitnami/redis:7');
  assert.equal(normalizeImage('registry.local:5000/app:v1'), 'registry.local:5000/app:v1');
  assert.equal(normalizeImage('localhost/app'), 'localhost/app:latest');
  assert.match(imageId('nginx:1.25'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
});

test('durations', () => {
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('soon'), undefined);
});
