import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet, addressAt, formatCidr, offsetOf, parseCidr, CidrError } from './cidr.js';

test('parse and format IPv4 CIDRs; host bits are cleared; bad input is refused', () => {
  assert.equal(formatCidr(parseCidr('10.42.0.0/16')), '10.42.0.0/16');
  assert.equal(formatCidr(parseCidr('10.42.7.9/16')), '10.42.0.0/16');
  assert.equal(formatCidr(parseCidr('0.0.0.0/0')), '0.0.0.0/0');
  for (const bad of ['10.42.0.0', '10.42.0.0/33', '10.256.0.0/16', 'fd00::/64', '10.42.0.0/16/1', 'x/8']) {
    assert.throws(() => parseCidr(bad), CidrError, bad);
  }
  const c = parseCidr('10.42.3.0/24');
  assert.equal(addressAt(c, 2), '10.42.3.2');
  assert.equal(offsetOf(c, '10.42.3.254'), 254);
  assert.equal(offsetOf(c, '10.42.4.1'), undefined);
});

test('CidrSet hands out each subnet once, skips occupied ones, rotates past released ones', () => {
  const set = new CidrSet(parseCidr('10.42.0.0/22'), 24);
  assert.equal(set.capacity, 4);
  set.occupy(parseCidr('10.42.1.0/24'));
  const got = [set.allocate(), set.allocate(), set.allocate()].map((c) => c && formatCidr(c));
  assert.deepEqual(got, ['10.42.0.0/24', '10.42.2.0/24', '10.42.3.0/24']);
  assert.equal(set.allocate(), undefined, 'exhausted');
  set.release(parseCidr('10.42.0.0/24'));
  assert.equal(formatCidr(set.allocate()!), '10.42.0.0/24');
  assert.equal(set.allocated, 4);
  // A larger block occupies every subnet it covers; one outside the range is ignored.
  const big = new CidrSet(parseCidr('10.42.0.0/16'), 24);
  big.occupy(parseCidr('10.42.0.0/23'));
  big.occupy(parseCidr('192.168.0.0/24'));
  assert.equal(big.allocated, 2);
  assert.equal(formatCidr(big.allocate()!), '10.42.2.0/24');
  assert.equal(big.contains(parseCidr('10.42.9.0/24')), true);
  assert.equal(big.contains(parseCidr('10.43.0.0/24')), false);
  assert.throws(() => new CidrSet(parseCidr('10.42.0.0/16'), 8), CidrError);
});
