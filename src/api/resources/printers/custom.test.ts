import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../machinery/object.js';
import { customResourceTable, defaultTable } from './custom.js';

const NOW = Date.parse('2025-01-10T12:00:00Z');

describe('default and custom resource tables', () => {
  test('built-ins without a printer show Name and an absolute Created At, as kube\'s default convertor', () => {
    assert.deepEqual(defaultTable.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
    const role: KubeObject = { metadata: { name: 'pod-reader', creationTimestamp: '2025-01-09T08:30:00Z' } };
    assert.deepEqual(defaultTable.row(role, NOW), ['pod-reader', '2025-01-09T08:30:00Z']);
  });

  test('a CRD without printer columns gets Name and Age', () => {
    const t = customResourceTable([]);
    assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Age']);
    assert.deepEqual(t.row({ metadata: { name: 'a', creationTimestamp: '2025-01-10T11:00:00Z' } }, NOW), ['a', '60m']);
  });

  test('additionalPrinterColumns: typed cells, nulls for missing or mistyped values', () => {
    const t = customResourceTable([
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', priority: 1 },
      { name: 'Selector', type: 'string', jsonPath: '.spec.selector' },
      { name: 'Last Backup', type: 'date', jsonPath: '.status.lastBackup', description: 'When the last backup ran.' },
    ]);
    assert.deepEqual(t.columns.map((c) => [c.name, c.type, c.priority]), [
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Replicas', 'integer', 0], ['Ratio', 'number', 0],
      ['Paused', 'boolean', 1], ['Selector', 'string', 0], ['Last Backup', 'date', 0],
    ]);
    assert.equal(t.columns[1]?.description, 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status');
    assert.equal(t.columns[6]?.description, 'When the last backup ran.');
    const cr: KubeObject = {
      metadata: { name: 'db' },
      spec: { replicas: 2.7, ratio: 'high', paused: true, selector: { app: 'db' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }], lastBackup: '2025-01-10T09:00:00Z' },
    };
    assert.deepEqual(t.row(cr, NOW), ['db', 'True', 2, null, true, '{"app":"db"}', '3h']);
    assert.deepEqual(t.row({ metadata: { name: 'empty' } }, NOW), ['empty', null, null, null, null, null, null]);
    assert.equal(t.row({ metadata: { name: 'bad' }, status: { lastBackup: 'yesterday' } }, NOW)[6], '<invalid>');
  });
});
