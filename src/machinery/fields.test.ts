import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError } from './errors.js';
import {
  checkSupported, escapeFieldValue, fieldSelectorFromSet, fieldSelectorToString, isEverythingFields, matchesFields,
  parseFieldSelector, requirements, requiresExactFieldMatch, unescapeFieldValue,
} from './fields.js';

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isStatusError(e, 'BadRequest'));
    return e.message;
  }
  assert.fail('no error');
}

describe('parseFieldSelector', () => {
  test('empty selects everything', () => {
    assert.ok(isEverythingFields(parseFieldSelector('')));
    assert.ok(isEverythingFields(parseFieldSelector(',')));
  });

  test('=, == and != with comma AND', () => {
    const sel = parseFieldSelector('status.phase!=Running,spec.nodeName==node1,metadata.name=web');
    assert.deepEqual(requirements(sel).map((r) => [r.field, r.operator, r.value]), [
      ['metadata.name', '=', 'web'], ['spec.nodeName', '=', 'node1'], ['status.phase', '!=', 'Running'],
    ]);
  });

  test('values may be empty and may contain escaped separators', () => {
    assert.deepEqual(requirements(parseFieldSelector('spec.nodeName=')).map((r) => r.value), ['']);
    const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,status.phase=x');
    assert.deepEqual(requirements(sel).map((r) => r.value), ['a,b=c\\d', 'x']);
    assert.equal(fieldSelectorToString(sel), 'metadata.name=a\\,b\\=c\\\\d,status.phase=x');
  });

  test('field names are not trimmed, as in kube', () => {
    assert.deepEqual(requirements(parseFieldSelector('a =b')).map((r) => r.field), ['a ']);
  });

  test('errors carry kube\'s messages', () => {
    assert.equal(badRequest(() => parseFieldSelector('foo')), "invalid selector: 'foo'; can't understand 'foo'");
    assert.equal(badRequest(() => parseFieldSelector('a=b,c')), "invalid selector: 'a=b,c'; can't understand 'c'");
    assert.equal(badRequest(() => parseFieldSelector('a=b=c')), 'invalid field selector: unescaped character in value: =');
    assert.equal(badRequest(() => parseFieldSelector('a=\\x')), 'invalid field selector: invalid escape sequence: \\x');
  });
});

test('escapeFieldValue and unescapeFieldValue are inverse', () => {
  for (const v of ['', 'plain', 'a,b', 'a=b', 'a\\b', ',=\\']) assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
  assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
});

describe('matchesFields', () => {
  const pod: Record<string, string> = { 'metadata.name': 'web', 'spec.nodeName': 'node1', 'status.phase': 'Running' };
  const get = (f: string): string | undefined => pod[f];
  const cases: Array<[string, boolean]> = [
    ['', true], ['spec.nodeName=node1', true], ['spec.nodeName=node2', false], ['status.phase!=Running', false],
    ['status.phase!=Pending', true], ['spec.nodeName=node1,status.phase=Running', true],
    ['spec.nodeName=node1,status.phase=Failed', false],
    // An absent field reads as "": spec.nodeName= selects unscheduled pods.
    ['spec.schedulerName=', true], ['spec.schedulerName!=', false],
  ];
  for (const [sel, want] of cases) test(`${sel || '(empty)'} → ${want}`, () => assert.equal(matchesFields(parseFieldSelector(sel), get), want));
});

test('requiresExactFieldMatch pins a field for index lookups', () => {
  assert.equal(requiresExactFieldMatch(parseFieldSelector('spec.nodeName=node1,status.phase!=Failed'), 'spec.nodeName'), 'node1');
  assert.equal(requiresExactFieldMatch(parseFieldSelector('spec.nodeName!=node1'), 'spec.nodeName'), undefined);
  assert.equal(requiresExactFieldMatch(parseFieldSelector('status.phase=Running'), 'spec.nodeName'), undefined);
  assert.equal(requiresExactFieldMatch(parseFieldSelector('spec.nodeName='), 'spec.nodeName'), '');
});

test('fieldSelectorFromSet', () => {
  assert.equal(fieldSelectorToString(fieldSelectorFromSet({ 'metadata.name': 'a', 'metadata.namespace': 'ns' })), 'metadata.name=a,metadata.namespace=ns');
  assert.ok(isEverythingFields(fieldSelectorFromSet({})));
});

test('checkSupported refuses unknown fields with kube\'s message', () => {
  const supported = new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName']);
  assert.doesNotThrow(() => checkSupported(parseFieldSelector('spec.nodeName=a,metadata.name=b'), supported, 'Pod'));
  assert.equal(badRequest(() => checkSupported(parseFieldSelector('spec.nodeName=a,foo=bar'), supported, 'Pod')), 'field label not supported: foo');
});
