import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../machinery/errors.js';
import { defaultCRD, prepareCRDStatus, validateCRD, validateCRDUpdate } from './validate-crd.js';
import { cronTabCRD } from './crontab-fixture.js';
import type { CRDVersion, CustomResourceDefinition, Schema } from './types.js';

function errorsOf(crd: CustomResourceDefinition): string[] {
  defaultCRD(crd);
  return validateCRD(crd).map(fieldErrorText);
}

function firstVersion(crd: CustomResourceDefinition): CRDVersion {
  const v = crd.spec?.versions?.[0];
  assert.ok(v);
  return v;
}

function rootSchema(crd: CustomResourceDefinition): Schema {
  const s = firstVersion(crd).schema?.openAPIV3Schema;
  assert.ok(s);
  return s;
}

describe('defaultCRD', () => {
  test('fills singular, listKind, conversion and the version flags', () => {
    const crd = cronTabCRD();
    const spec = crd.spec;
    assert.ok(spec?.names);
    delete spec.names.singular;
    spec.versions?.push({ name: 'v2', schema: { openAPIV3Schema: { type: 'object' } } });
    defaultCRD(crd);
    assert.equal(spec.names.singular, 'crontab');
    assert.equal(spec.names.listKind, 'CronTabList');
    assert.deepEqual(spec.conversion, { strategy: 'None' });
    assert.equal(spec.versions?.[1]?.served, false);
    assert.equal(spec.versions?.[1]?.storage, false);
    assert.equal(spec.scope, 'Namespaced');
  });

  test('a webhook service gets port 443', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec);
    crd.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 'conv', namespace: 'default' } }, conversionReviewVersions: ['v1'] } };
    defaultCRD(crd);
    assert.deepEqual(crd.spec.conversion.webhook, { clientConfig: { service: { name: 'conv', namespace: 'default', port: 443 } }, conversionReviewVersions: ['v1'] });
  });
});

describe('validateCRD', () => {
  test('the documented CronTab CRD is valid', () => {
    assert.deepEqual(errorsOf(cronTabCRD()), []);
  });

  test('metadata.name must be plural.group', () => {
    const crd = cronTabCRD();
    assert.ok(crd.metadata);
    crd.metadata.name = 'crontab.stable.example.com';
    assert.deepEqual(errorsOf(crd), ['metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group']);
  });

  test('exactly one storage version', () => {
    const crd = cronTabCRD();
    crd.spec?.versions?.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } });
    assert.deepEqual(errorsOf(crd), ['spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version']);
    firstVersion(crd).storage = false;
    assert.ok(crd.spec?.versions?.[1]);
    crd.spec.versions[1].storage = false;
    assert.deepEqual(errorsOf(crd), ['spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version']);
  });

  test('a CRD without versions is rejected', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec);
    crd.spec.versions = [];
    assert.deepEqual(errorsOf(crd), ['spec.versions: Invalid value: []: must have exactly one version marked as storage version']);
  });

  test('every version needs a schema', () => {
    const crd = cronTabCRD();
    delete firstVersion(crd).schema;
    assert.deepEqual(errorsOf(crd), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
  });

  test('the root of the schema must be an object with a type', () => {
    const crd = cronTabCRD();
    delete rootSchema(crd).type;
    assert.deepEqual(errorsOf(crd), ['spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at the root']);
    rootSchema(crd).type = 'string';
    assert.deepEqual(errorsOf(crd), ['spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root']);
  });

  test('nested fields need a type, arrays need items', () => {
    const crd = cronTabCRD();
    const spec = rootSchema(crd).properties as Record<string, Schema>;
    spec.extra = { description: 'no type' };
    spec.list = { type: 'array' };
    assert.deepEqual(errorsOf(crd), [
      'spec.versions[0].schema.openAPIV3Schema.properties[extra].type: Required value: must not be empty for specified object fields',
      'spec.versions[0].schema.openAPIV3Schema.properties[list].items: Required value: must be specified',
    ]);
  });

  test('unsupported OpenAPI features are named', () => {
    const crd = cronTabCRD();
    const props = rootSchema(crd).properties as Record<string, Schema>;
    props.ref = { type: 'object', $ref: '#/definitions/x' };
    props.set = { type: 'array', uniqueItems: true, items: { type: 'string' } };
    props.both = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } };
    props.odd = { type: 'date' };
    assert.deepEqual(errorsOf(crd), [
      'spec.versions[0].schema.openAPIV3Schema.properties[ref].$ref: Forbidden: $ref is not supported',
      'spec.versions[0].schema.openAPIV3Schema.properties[set].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      'spec.versions[0].schema.openAPIV3Schema.properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
      'spec.versions[0].schema.openAPIV3Schema.properties[odd].type: Unsupported value: "date": supported values: "array", "boolean", "integer", "number", "object", "string"',
    ]);
  });

  test('value validations may not declare types (structural)', () => {
    const crd = cronTabCRD();
    rootSchema(crd).anyOf = [{ type: 'object' }];
    assert.deepEqual(errorsOf(crd), ['spec.versions[0].schema.openAPIV3Schema.anyOf[0].type: Forbidden: must be empty to be structural']);
  });

  test('the int-or-string anyOf pattern is structural', () => {
    const crd = cronTabCRD();
    const props = rootSchema(crd).properties as Record<string, Schema>;
    props.port = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    assert.deepEqual(errorsOf(crd), []);
  });

  test('metadata may only restrict name and generateName, and carries no defaults', () => {
    const crd = cronTabCRD();
    const props = rootSchema(crd).properties as Record<string, Schema>;
    props.metadata = { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } };
    assert.deepEqual(errorsOf(crd), []);
    props.metadata = { type: 'object', properties: { labels: { type: 'object', default: {} } } };
    assert.deepEqual(errorsOf(crd), [
      'spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
      'spec.versions[0].schema.openAPIV3Schema.properties[metadata].properties[labels].default: Forbidden: must not be set in top-level metadata',
    ]);
  });

  test('names, group and scope', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec?.names && crd.metadata);
    crd.spec.group = 'example';
    crd.spec.scope = 'Global';
    crd.spec.names.plural = 'Cron_Tabs';
    crd.spec.names.shortNames = ['ct', 'C T'];
    crd.metadata.name = 'Cron_Tabs.example';
    const errs = errorsOf(crd);
    assert.ok(errs.includes('spec.group: Invalid value: "example": should be a domain with at least one dot'), errs.join('\n'));
    assert.ok(errs.includes('spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'));
    assert.ok(errs.some((e) => e.startsWith('spec.names.plural: Invalid value: "Cron_Tabs": a DNS-1035 label must consist of lower case alphanumeric characters')));
    assert.ok(errs.some((e) => e.startsWith('spec.names.shortNames[1]: Invalid value: "C T"')));
  });

  test('scope and kind are required', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec?.names);
    delete crd.spec.scope;
    delete crd.spec.names.kind;
    const errs = errorsOf(crd);
    assert.ok(errs.includes('spec.scope: Required value'));
    assert.ok(errs.includes('spec.names.kind: Required value'));
    assert.ok(errs.includes('spec.names.listKind: Required value'));
  });

  test('printer columns and scale paths', () => {
    const crd = cronTabCRD();
    const v = firstVersion(crd);
    v.additionalPrinterColumns = [
      { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
      { name: 'Bad', type: 'text', format: 'percent', jsonPath: 'spec.x' },
      { name: 'Missing', type: 'integer' },
    ];
    v.subresources = { status: {}, scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '.status.replicas' } };
    assert.deepEqual(errorsOf(crd), [
      'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.versions[0].additionalPrinterColumns[1].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
      'spec.versions[0].additionalPrinterColumns[1].format: Invalid value: "percent": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.versions[0].additionalPrinterColumns[1].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .',
      'spec.versions[0].additionalPrinterColumns[2].JSONPath: Required value',
    ]);
  });

  test('with the status subresource only some keywords are allowed at the root', () => {
    const crd = cronTabCRD();
    const v = firstVersion(crd);
    v.subresources = { status: {} };
    rootSchema(crd).nullable = false;
    const errs = errorsOf(crd);
    assert.equal(errs.length, 1);
    assert.match(errs[0] ?? '', /^spec\.versions\[0\]\.schema\.openAPIV3Schema: Invalid value: "": only \[Description Type .*\] fields are allowed at the root of the schema if the status subresource is enabled$/);
  });

  test('list-map keys must be required or defaulted', () => {
    const crd = cronTabCRD();
    const props = rootSchema(crd).properties as Record<string, Schema>;
    props.ports = {
      type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string' } } },
    };
    assert.deepEqual(errorsOf(crd), [
      'spec.versions[0].schema.openAPIV3Schema.properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
    ]);
  });

  test('webhook conversion needs a client config and review versions', () => {
    const crd = cronTabCRD();
    assert.ok(crd.spec);
    crd.spec.conversion = { strategy: 'Webhook' };
    assert.deepEqual(errorsOf(crd), [
      'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
      'spec.conversion.conversionReviewVersions: Required value',
    ]);
  });
});

describe('validateCRDUpdate', () => {
  test('group and plural are immutable; scope and kind once established', () => {
    const old = cronTabCRD();
    defaultCRD(old);
    prepareCRDStatus(old, Date.UTC(2024, 0, 1));
    const next = cronTabCRD();
    defaultCRD(next);
    assert.ok(next.spec?.names);
    next.spec.scope = 'Cluster';
    next.spec.names.kind = 'Crontab';
    next.spec.names.listKind = 'CrontabList';
    prepareCRDStatus(next, Date.UTC(2024, 0, 2), old);
    assert.deepEqual(validateCRDUpdate(next, old).map(fieldErrorText), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "Crontab": field is immutable',
    ]);
  });

  test('a stored version may not leave spec.versions', () => {
    const old = cronTabCRD();
    defaultCRD(old);
    prepareCRDStatus(old, 0);
    const next = cronTabCRD();
    assert.ok(next.spec?.versions?.[0]);
    next.spec.versions[0].name = 'v2';
    if (next.metadata) next.metadata.name = 'crontabs.stable.example.com';
    defaultCRD(next);
    prepareCRDStatus(next, 0, old);
    assert.deepEqual(next.status?.storedVersions, ['v1', 'v2']);
    assert.deepEqual(validateCRDUpdate(next, old).map(fieldErrorText), [
      'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
    ]);
  });
});

describe('prepareCRDStatus', () => {
  test('accepts the names, establishes the CRD and records the storage version', () => {
    const crd = cronTabCRD();
    defaultCRD(crd);
    const status = prepareCRDStatus(crd, Date.UTC(2024, 4, 1, 12, 0, 0));
    assert.deepEqual(status, {
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2024-05-01T12:00:00Z', reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', lastTransitionTime: '2024-05-01T12:00:00Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
      acceptedNames: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], listKind: 'CronTabList' },
      storedVersions: ['v1'],
    });
    assert.equal(crd.status, status);
  });

  test('keeps transition times of conditions that stay True', () => {
    const old = cronTabCRD();
    defaultCRD(old);
    prepareCRDStatus(old, Date.UTC(2024, 0, 1));
    const next = cronTabCRD();
    defaultCRD(next);
    const status = prepareCRDStatus(next, Date.UTC(2025, 0, 1), old);
    assert.deepEqual(status.conditions?.map((c) => c.lastTransitionTime), ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z']);
  });
});
