import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './flags.js';
import { serverCommand, serverConfig } from './server.js';

const cfg = (args: string[]) => serverConfig(parseFlags(serverCommand, args));

test('server flags: token, token file, datastore TLS files, advertise address', () => {
  const d = cfg(['--data-dir', '/d']);
  assert.equal(d.token, '');
  assert.equal(d.tokenFile, '');
  assert.equal(d.datastoreCaFile, '');
  assert.equal(d.advertiseAddress, '127.0.0.1', 'the bind address');
  const c = cfg(['--data-dir', '/d', '--token', 's3cret', '--token-file', '/t', '--datastore-cafile', '/ca.pem', '--datastore-certfile', '/c.pem',
    '--datastore-keyfile', '/k.pem', '--bind-address', '10.1.2.3']);
  assert.equal(c.token, 's3cret');
  assert.deepEqual([c.tokenFile, c.datastoreCaFile, c.datastoreCertFile, c.datastoreKeyFile], ['/t', '/ca.pem', '/c.pem', '/k.pem']);
  assert.equal(c.advertiseAddress, '10.1.2.3');
  assert.equal(cfg(['--advertise-address', '192.168.1.9']).advertiseAddress, '192.168.1.9');
  assert.notEqual(cfg(['--bind-address', '0.0.0.0']).advertiseAddress, '0.0.0.0', 'a wildcard is not an address');
  assert.throws(() => cfg(['--advertise-address', 'host.example']), /--advertise-address: "host.example" is not an IP address/);
});

test('server flags: the environment, as k3s names it', () => {
  const saved = { ...process.env };
  try {
    process.env.K8TS_TOKEN = 'from-env';
    process.env.K8TS_DATASTORE_CAFILE = '/env-ca.pem';
    process.env.K8TS_ADVERTISE_ADDRESS = '10.9.8.7';
    const c = cfg([]);
    assert.equal(c.token, 'from-env');
    assert.equal(c.datastoreCaFile, '/env-ca.pem');
    assert.equal(c.advertiseAddress, '10.9.8.7');
  } finally {
    for (const k of ['K8TS_TOKEN', 'K8TS_DATASTORE_CAFILE', 'K8TS_ADVERTISE_ADDRESS']) {
      if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  }
});
