import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError } from './errors.js';
import {
  isEverything, labelSelectorToString, matches, matchesNothing, parseLabelSelector, requiresExactMatch,
  selectorFromLabelSelector, selectorFromSet, selectorString, validateLabels, validateLabelSelector,
} from './labels.js';

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(isStatusError(e, 'BadRequest'), `expected a BadRequest for ${JSON.stringify(s)}`);
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail(`${JSON.stringify(s)} parsed`);
}

describe('parseLabelSelector', () => {
  test('empty and blank select everything', () => {
    assert.ok(isEverything(parseLabelSelector('')));
    assert.ok(isEverything(parseLabelSelector('   ')));
    assert.ok(matches(parseLabelSelector(''), undefined));
  });

  test('every operator, canonical string sorted by key', () => {
    const cases: Array<[string, string]> = [
      ['a=b', 'a=b'],
      ['a==b', 'a==b'],
      ['a!=b', 'a!=b'],
      ['a in (y,x,x)', 'a in (x,y)'],
      ['a notin (x)', 'a notin (x)'],
      ['a', 'a'],
      ['!a', '!a'],
      ['a>1', 'a>1'],
      ['a<2', 'a<2'],
      ['  z = 1 ,  a  ', 'a,z=1'],
      ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
      ['app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
      ['a=', 'a='],
      ['a notin (in,notin)', 'a notin (in,notin)'],
      ['in=b', 'in=b'],
    ];
    for (const [input, want] of cases) assert.equal(selectorString(parseLabelSelector(input)), want, input);
  });

  test('exposes requirements read-only for indexing', () => {
    const sel = parseLabelSelector('tier in (b,a),app=web');
    assert.deepEqual(sel.requirements.map((r) => [r.key, r.operator, [...r.values]]), [['app', '=', ['web']], ['tier', 'in', ['a', 'b']]]);
    assert.throws(() => (sel.requirements as unknown[]).push({}));
    assert.equal(requiresExactMatch(sel, 'app'), 'web');
    assert.equal(requiresExactMatch(sel, 'tier'), undefined);
    assert.equal(requiresExactMatch(parseLabelSelector('tier in (a)'), 'tier'), 'a');
    assert.equal(requiresExactMatch(parseLabelSelector('app!=web'), 'app'), undefined);
  });

  test('syntax errors carry kube\'s messages', () => {
    assert.equal(parseError('a in'), "unable to parse requirement: found '' expected: '('");
    assert.equal(parseError('a in (b'), "unable to parse requirement: found '', expected: ',' or ')'");
    assert.equal(parseError('a=b c=d'), "found 'c', expected: ',' or 'end of string'");
    assert.equal(parseError('a,'), "found '', expected: identifier after ','");
    assert.equal(parseError(',a'), "found ',', expected: !, identifier, or 'end of string'");
    assert.equal(parseError('a>=1'), "unable to parse requirement: found '=', expected: identifier");
    assert.equal(parseError('a=(b)'), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(parseError('!a=b'), "found '=', expected: ',' or 'end of string'");
  });

  test('bad keys and values are refused as kube refuses them', () => {
    assert.equal(parseError('app:web'), "unable to parse requirement: <nil>: Invalid value: \"app:web\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assert.match(parseError('a=-b'), /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-b": a valid label must be an empty string/);
    assert.equal(parseError(`a=${'x'.repeat(64)}`), `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`);
    assert.equal(parseError('a>x'), "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer");
  });
});

describe('matches', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3' };
  const cases: Array<[string, boolean]> = [
    ['app=web', true], ['app==web', true], ['app=db', false], ['app!=db', true], ['app!=web', false],
    ['missing!=x', true], ['tier in (front,back)', true], ['tier in (back)', false], ['missing in (x)', false],
    ['tier notin (back)', true], ['tier notin (front)', false], ['missing notin (x)', true],
    ['app', true], ['missing', false], ['!missing', true], ['!app', false],
    ['replicas>2', true], ['replicas>3', false], ['replicas<4', true], ['app>1', false], ['missing<1', false],
    ['app=web,tier=front', true], ['app=web,tier=back', false],
  ];
  for (const [sel, want] of cases) test(`${sel} → ${want}`, () => assert.equal(matches(parseLabelSelector(sel), labels), want));

  test('an object without labels', () => {
    assert.equal(matches(parseLabelSelector('!a'), undefined), true);
    assert.equal(matches(parseLabelSelector('a'), undefined), false);
    assert.equal(matches(parseLabelSelector('a!=b'), {}), true);
  });
});

describe('selectorFromLabelSelector (metav1.LabelSelectorAsSelector)', () => {
  test('null selects nothing, {} selects everything', () => {
    assert.ok(matchesNothing(selectorFromLabelSelector(null)));
    assert.equal(matches(selectorFromLabelSelector(undefined), { a: 'b' }), false);
    assert.ok(isEverything(selectorFromLabelSelector({})));
    assert.ok(isEverything(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] })));
    assert.equal(matches(selectorFromLabelSelector({}), { a: 'b' }), true);
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'tier', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
      ],
    });
    assert.equal(selectorString(sel), 'app=web,!canary,env in (prod,staging),tier,zone notin (a)');
    assert.equal(matches(sel, { app: 'web', env: 'prod', tier: 'x' }), true);
    assert.equal(matches(sel, { app: 'web', env: 'prod', tier: 'x', canary: '1' }), false);
    assert.equal(matches(sel, { app: 'web', env: 'prod', tier: 'x', zone: 'a' }), false);
    assert.equal(matches(sel, { app: 'web', env: 'dev', tier: 'x' }), false);
  });

  test('labelSelectorToString gives Scale.status.selector', () => {
    assert.equal(labelSelectorToString({ matchLabels: { run: 'web', app: 'x' } }), 'app=x,run=web');
    assert.equal(labelSelectorToString({ matchExpressions: [{ key: 'a', operator: 'In', values: ['z', 'b'] }] }), 'a in (b,z)');
    assert.equal(labelSelectorToString({}), '');
    assert.equal(labelSelectorToString(null), '');
  });

  test('invalid selectors are a BadRequest with kube\'s message', () => {
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }),
      (e) => isStatusError(e, 'BadRequest') && e.message === '"Foo" is not a valid label selector operator');
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      (e) => isStatusError(e, 'BadRequest') && e.message === "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    assert.throws(() => selectorFromLabelSelector({ matchLabels: { '-x': 'y' } }),
      (e) => isStatusError(e, 'BadRequest') && e.message.startsWith('key: Invalid value: "-x": name part must consist'));
  });
});

test('selectorFromSet: equality on every pair, empty selects everything', () => {
  assert.equal(selectorString(selectorFromSet({ b: '2', a: '1' })), 'a=1,b=2');
  assert.ok(isEverything(selectorFromSet({})));
  assert.ok(isEverything(selectorFromSet(undefined)));
  assert.equal(matches(selectorFromSet({ a: '1' }), { a: '1', z: '0' }), true);
});

describe('validateLabels', () => {
  test('valid labels give no errors', () => {
    assert.deepEqual(validateLabels({ app: 'web', 'app.kubernetes.io/name': '', v: 'a.b_c-1' }, 'metadata.labels'), []);
    assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
  });
  test('errors name the map, as kubectl shows them', () => {
    const errs = validateLabels({ 'bad key': 'ok', good: 'bad value!' }, 'metadata.labels');
    assert.equal(errs.length, 2);
    assert.deepEqual(errs.map((e) => [e.type, e.field]), [['FieldValueInvalid', 'metadata.labels'], ['FieldValueInvalid', 'metadata.labels']]);
    assert.match(errs[0]?.message ?? '', /^Invalid value: "bad key": name part must consist/);
    assert.match(errs[1]?.message ?? '', /^Invalid value: "bad value!": a valid label must be an empty string/);
  });
});

describe('validateLabelSelector', () => {
  test('a good selector and null are valid', () => {
    assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, 'spec.selector'), []);
    assert.deepEqual(validateLabelSelector(null, 'spec.selector'), []);
  });
  test('operator rules, keys and values', () => {
    const errs = validateLabelSelector({
      matchLabels: { app: '-' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Equals', values: ['x'] },
        { key: 'd e', operator: 'NotIn', values: ['bad value'] },
      ],
    }, 'spec.selector');
    assert.deepEqual(errs.map((e) => `${e.field}: ${e.message.split(':')[0]}`), [
      'spec.selector.matchLabels: Invalid value',
      'spec.selector.matchExpressions[0].values: Required value',
      'spec.selector.matchExpressions[1].values: Forbidden',
      'spec.selector.matchExpressions[2].operator: Invalid value',
      'spec.selector.matchExpressions[3].key: Invalid value',
      'spec.selector.matchExpressions[3].values[0]: Invalid value',
    ]);
    assert.equal(errs[1]?.message, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
    assert.equal(errs[2]?.message, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    assert.equal(errs[3]?.message, 'Invalid value: "Equals": not a valid selector operator');
  });
  test('invalid values may be allowed, as kube allows for old objects', () => {
    const sel = { matchExpressions: [{ key: 'a', operator: 'In', values: ['bad value'] }] };
    assert.equal(validateLabelSelector(sel, 's').length, 1);
    assert.deepEqual(validateLabelSelector(sel, 's', { allowInvalidLabelValueInSelector: true }), []);
  });
});
