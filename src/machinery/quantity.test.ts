import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities, canonical, canonicalize, compareQuantities, intValue, newMilliQuantity, newQuantity, parseQuantity,
  QuantityError, subtractQuantities, toMilli, toMilliBig, tryParseQuantity,
} from './quantity.js';

describe('parseQuantity', () => {
  test('values and formats', () => {
    const cases: Array<[string, number, string]> = [
      ['100m', 0.1, 'DecimalSI'], ['1.5Gi', 1610612736, 'BinarySI'], ['1e3', 1000, 'DecimalExponent'],
      ['128974848', 128974848, 'DecimalSI'], ['129M', 129e6, 'DecimalSI'], ['123Mi', 128974848, 'BinarySI'],
      ['1Ki', 1024, 'BinarySI'], ['2', 2, 'DecimalSI'], ['-1.5', -1.5, 'DecimalSI'], ['1n', 1e-9, 'DecimalSI'],
      ['5u', 5e-6, 'DecimalSI'], ['1E', 1e18, 'DecimalSI'], ['1E3', 1000, 'DecimalExponent'], ['2e-3', 0.002, 'DecimalExponent'],
      ['0.5Ki', 512, 'BinarySI'], ['0.5Mi', 524288, 'BinarySI'],
    ];
    for (const [s, value, format] of cases) {
      const q = parseQuantity(s);
      assert.equal(q.value, value, s);
      assert.equal(q.format, format, s);
    }
  });

  test('numbers are read as their JSON text', () => {
    assert.equal(parseQuantity(2).value, 2);
    assert.equal(canonical(parseQuantity(0.5)), '500m');
  });

  test('invalid input throws QuantityError with kube\'s messages', () => {
    const format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    for (const bad of ['', 'abc', '1.2.3', '1m ', ' 1', '1 Gi', '1iB']) {
      assert.throws(() => parseQuantity(bad), (e) => e instanceof QuantityError && e.message === format, JSON.stringify(bad));
    }
    for (const bad of ['1K', '1Ki5', '1e', '--1', '1mm']) {
      assert.throws(() => parseQuantity(bad), (e) => e instanceof QuantityError && e.message === "unable to parse quantity's suffix", bad);
    }
  });

  test('tryParseQuantity returns undefined instead of throwing', () => {
    assert.equal(tryParseQuantity('1K'), undefined);
    assert.equal(tryParseQuantity(null), undefined);
    assert.equal(tryParseQuantity({}), undefined);
    assert.equal(tryParseQuantity(Number.NaN), undefined);
    assert.equal(tryParseQuantity('250m')?.value, 0.25);
  });

  test('magnitudes round up to 1n and are capped at 2^63-1', () => {
    assert.equal(canonical(parseQuantity('0.0000000001')), '1n');
    assert.equal(canonical(parseQuantity('-0.0000000001')), '-1n');
    assert.equal(canonical(parseQuantity('1.0000000001')), '1000000001n');
    assert.equal(canonical(parseQuantity('1e-1000000')), '1e-9');
    assert.equal(canonical(parseQuantity('9223372036854775808')), '9223372036854775807');
    assert.equal(canonical(parseQuantity('1e100')), '9223372036854775807');
    assert.equal(canonical(parseQuantity('8Ei')), '9223372036854775807');
    assert.equal(canonical(parseQuantity('-1e100')), '-9223372036854775807');
    assert.equal(canonical(parseQuantity('0e100')), '0');
  });
});

describe('canonical (what kube serialises)', () => {
  const cases: Array<[string, string]> = [
    ['1000m', '1'], ['0.5', '500m'], ['1024Ki', '1Mi'], ['1.5Gi', '1536Mi'], ['100m', '100m'], ['1e3', '1e3'],
    ['128974848', '128974848'], ['129M', '129M'], ['123Mi', '123Mi'], ['2000', '2k'], ['1500', '1500'],
    ['1.5', '1500m'], ['0.1Gi', '107374182400m'], ['1.5Ki', '1536'], ['0.5Ki', '512'], ['1500Mi', '1500Mi'],
    ['2048Mi', '2Gi'], ['1e6', '1e6'], ['1.5e3', '1500'], ['12e6', '12e6'], ['1e-3', '1e-3'], ['0', '0'], ['0Gi', '0'],
    ['000', '0'], ['0.000m', '0'], ['1000000000n', '1'], ['-100m', '-100m'], ['-2048Ki', '-2Mi'], ['1Ei', '1Ei'],
    ['8Gi', '8Gi'], ['4096', '4096'], ['1000k', '1M'], ['1000000u', '1'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(canonical(parseQuantity(input)), want));

  test('already-canonical text is kept as written, as kube keeps it', () => {
    assert.equal(canonical(parseQuantity('1E3')), '1E3');
    assert.equal(canonical(parseQuantity('+1')), '+1');
  });

  test('canonicalize: parse and format, undefined when invalid', () => {
    assert.equal(canonicalize('1000m'), '1');
    assert.equal(canonicalize('x'), undefined);
  });
});

describe('numeric views', () => {
  test('toMilli and intValue round up like MilliValue and Value', () => {
    assert.equal(toMilli(parseQuantity('1')), 1000);
    assert.equal(toMilli(parseQuantity('250m')), 250);
    assert.equal(toMilli(parseQuantity('1.5m')), 2);
    assert.equal(toMilli(parseQuantity('-1.5m')), -2);
    assert.equal(toMilli(parseQuantity('1n')), 1);
    assert.equal(intValue(parseQuantity('100m')), 1);
    assert.equal(intValue(parseQuantity('1Gi')), 1073741824);
    assert.equal(intValue(parseQuantity('2')), 2);
  });

  test('toMilliBig is exact where numbers are not', () => {
    assert.equal(toMilliBig(parseQuantity('9223372036854775807')), 9223372036854775807000n);
    assert.equal(toMilliBig(parseQuantity('7Ei')), 7n * 2n ** 60n * 1000n);
  });
});

describe('arithmetic', () => {
  test('compare across formats and scales', () => {
    assert.equal(compareQuantities(parseQuantity('1'), parseQuantity('1000m')), 0);
    assert.equal(compareQuantities(parseQuantity('1Ki'), parseQuantity('1k')), 1);
    assert.equal(compareQuantities(parseQuantity('999m'), parseQuantity('1')), -1);
    assert.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1073741824')), 0);
    assert.equal(compareQuantities(parseQuantity('-1'), parseQuantity('0')), -1);
  });

  test('add and subtract are exact and keep the first format', () => {
    assert.equal(canonical(addQuantities(parseQuantity('100m'), parseQuantity('900m'))), '1');
    assert.equal(canonical(addQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
    assert.equal(canonical(addQuantities(parseQuantity('0'), parseQuantity('1Gi'))), '1Gi');
    assert.equal(canonical(subtractQuantities(parseQuantity('1'), parseQuantity('250m'))), '750m');
    const big = addQuantities(parseQuantity('9223372036854775807'), parseQuantity('1'));
    assert.equal(toMilliBig(big), 9223372036854775808000n);
    // 0.1 + 0.2 without float error
    assert.equal(compareQuantities(addQuantities(parseQuantity('0.1'), parseQuantity('0.2')), parseQuantity('0.3')), 0);
  });

  test('constructors', () => {
    assert.equal(canonical(newMilliQuantity(1500)), '1500m');
    assert.equal(canonical(newMilliQuantity(2000)), '2');
    assert.equal(canonical(newQuantity(2 * 1024 * 1024, 'BinarySI')), '2Mi');
    assert.equal(canonical(newQuantity(5)), '5');
  });
});
