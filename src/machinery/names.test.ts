import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('isDNS1123Subdomain', () => {
  test('accepts object names kubectl users write', () => {
    for (const ok of ['web', 'example.com', 'a-b.c-d', '0abc', 'a'.repeat(253)]) assert.deepEqual(isDNS1123Subdomain(ok), [], ok);
  });
  test('rejects upper case, underscores and edge dashes with kube\'s message', () => {
    for (const bad of ['Web', 'a_b', '-a', 'a-', 'a..b', '']) assert.deepEqual(isDNS1123Subdomain(bad), [SUBDOMAIN_MSG], bad);
  });
  test('reports length and syntax separately', () => {
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
    assert.deepEqual(isDNS1123Subdomain(`${'a'.repeat(253)}-`), ['must be no more than 253 characters', SUBDOMAIN_MSG]);
  });
});

describe('isDNS1123Label', () => {
  test('a valid subdomain with dots gets the short message', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  });
  test('other failures name the label rules', () => {
    assert.deepEqual(isDNS1123Label('My-Name'), ["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isDNS1123Label('kube-system'), []);
  });
});

describe('isDNS1035Label', () => {
  test('must start with a letter', () => {
    assert.deepEqual(isDNS1035Label('my-svc'), []);
    assert.deepEqual(isDNS1035Label('1svc'), ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
  });
});

describe('isQualifiedName', () => {
  test('accepts plain and prefixed names', () => {
    for (const ok of ['app', 'App_1.x', 'app.kubernetes.io/name', 'example.com/MyName', 'kubernetes.io/hostname']) assert.deepEqual(isQualifiedName(ok), [], ok);
  });
  test('names the failing part', () => {
    assert.deepEqual(isQualifiedName('-app'), [NAME_PART_MSG]);
    assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('app.kubernetes_io/name'), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.deepEqual(isQualifiedName('example.com/'), ['name part must be non-empty', NAME_PART_MSG]);
    assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  });
  test('more than one slash', () => {
    assert.deepEqual(isQualifiedName('a/b/c'), ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]);
  });
});

describe('isValidLabelValue', () => {
  test('empty is valid; symbols and length are not', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
    const syntax = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    assert.deepEqual(isValidLabelValue('a b'), [syntax]);
    assert.deepEqual(isValidLabelValue('x'.repeat(64)), ['must be no more than 63 characters']);
  });
  test('length is counted in bytes', () => {
    assert.equal(isValidLabelValue('é'.repeat(32)).includes('must be no more than 63 characters'), true);
  });
});
