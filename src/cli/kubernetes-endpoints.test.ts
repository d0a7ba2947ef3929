import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime } from '../client/index.js';
import { ADDRESS_ANNOTATION, PORT_ANNOTATION, apiServerLeaseName, desiredSlices, desiredSubsets, liveMembers } from './kubernetes-endpoints.js';

const lease = (name: string, address: string, port: string, renewedMsAgo: number, now: number, seconds = 15) => ({
  metadata: { name, annotations: { [ADDRESS_ANNOTATION]: address, [PORT_ANNOTATION]: port } },
  spec: { leaseDurationSeconds: seconds, renewTime: microTime(now - renewedMsAgo) },
});

test('live members: unexpired leases with a valid address and port', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const { live, expired } = liveMembers([
    lease('a', '10.0.0.1', '6443', 1_000, now),
    lease('b', '10.0.0.2', '6443', 16_000, now),
    lease('c', 'not-an-ip', '6443', 0, now),
    lease('d', '10.0.0.4', '0', 0, now),
    { metadata: { name: 'e' }, spec: {} },
  ], now);
  assert.deepEqual(live, [{ address: '10.0.0.1', port: 6443 }]);
  assert.deepEqual(expired.map((l) => l.metadata?.name), ['b', 'e']);
});

test('endpoints: one subset and one slice per port (and family), addresses sorted', () => {
  const members = [
    { address: '10.0.0.2', port: 6443 }, { address: '10.0.0.1', port: 6443 },
    { address: '127.0.0.1', port: 7000 }, { address: 'fd00::1', port: 6443 }, { address: '10.0.0.1', port: 6443 },
  ];
  assert.deepEqual(desiredSubsets(members), [
    { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: 'fd00::1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 7000, protocol: 'TCP' }] },
  ]);
  const slices = desiredSlices(members);
  assert.deepEqual(slices.map((s) => [s.metadata?.name, s['addressType'], (s['endpoints'] as { addresses: string[] }[]).map((e) => e.addresses[0])]), [
    ['kubernetes', 'IPv4', ['10.0.0.1', '10.0.0.2']],
    ['kubernetes-ipv4-7000', 'IPv4', ['127.0.0.1']],
    ['kubernetes-ipv6-6443', 'IPv6', ['fd00::1']],
  ]);
  assert.ok(slices.every((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'kubernetes'));
});

test('lease names: stable per host and data directory', () => {
  assert.equal(apiServerLeaseName('h', '/a'), apiServerLeaseName('h', '/a'));
  assert.notEqual(apiServerLeaseName('h', '/a'), apiServerLeaseName('h', '/b'));
  assert.match(apiServerLeaseName('h', '/a'), /^apiserver-[0-9a-f]{26}$/);
});
