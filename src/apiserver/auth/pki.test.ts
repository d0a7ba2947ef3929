import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ensureClusterPki, issueClientCert, issueServingCert } from './pki.js';

const DAY = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'k8ts-pki-'));
}

function lines(subject: string, attr: string): string[] {
  return subject.split('\n').filter(l => l.startsWith(`${attr}=`)).map(l => l.slice(attr.length + 1));
}

describe('ensureClusterPki', () => {
  test('first call creates a CA, a serving cert and an admin cert under tls/, keys 0600', async () => {
    const dir = await tempDir();
    try {
      const pki = await ensureClusterPki(dir, { hostnames: ['api.example.test'], ips: ['10.43.0.1'] });
      assert.equal(pki.dir, join(dir, 'tls'));
      for (const p of [pki.ca.keyPath, pki.serving.keyPath, pki.admin.keyPath]) {
        assert.equal((await stat(p)).mode & 0o777, 0o600, p);
      }
      for (const pair of [pki.ca, pki.serving, pki.admin]) {
        assert.equal(await readFile(pair.certPath, 'utf8'), pair.certPem);
        assert.equal(await readFile(pair.keyPath, 'utf8'), pair.keyPem);
        assert.match(pair.keyPem, /^-----BEGIN PRIVATE KEY-----/); // PKCS#8
      }

      const ca = new X509Certificate(pki.ca.certPem);
      assert.equal(ca.subject, 'CN=k8ts-ca');
      assert.equal(ca.ca, true);
      assert.ok(ca.checkIssued(ca) && ca.verify(ca.publicKey), 'CA is self-signed');
      const caYears = (Date.parse(ca.validTo) - Date.now()) / (365 * DAY);
      assert.ok(caYears > 9.9 && caYears < 10.1, `CA valid ~10 years, got ${caYears}`);
      assert.equal(pki.ca.fingerprint256, ca.fingerprint256);

      const serving = new X509Certificate(pki.serving.certPem);
      assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
      assert.equal(serving.ca, false);
      assert.deepEqual(serving.keyUsage, [SERVER_AUTH]);
      for (const h of ['localhost', hostname(), 'api.example.test', 'kubernetes.default.svc']) {
        assert.notEqual(serving.checkHost(h, { subject: 'never' }), undefined, `SAN ${h}`);
      }
      for (const ip of ['127.0.0.1', '10.43.0.1']) assert.equal(serving.checkIP(ip), ip, `SAN ${ip}`);
      assert.equal(serving.checkHost('other.example.test'), undefined);
      const servingDays = (Date.parse(serving.validTo) - Date.now()) / DAY;
      assert.ok(servingDays > 364 && servingDays < 366, `serving valid 1 year, got ${servingDays}`);
      assert.ok(serving.checkPrivateKey(createPrivateKey(pki.serving.keyPem)));

      const admin = new X509Certificate(pki.admin.certPem);
      assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
      assert.deepEqual(lines(admin.subject, 'CN'), ['admin']);
      assert.deepEqual(lines(admin.subject, 'O'), ['system:masters']);
      assert.deepEqual(admin.keyUsage, [CLIENT_AUTH]);

      // Node's tls takes the PEMs as they are.
      createSecureContext({ cert: pki.serving.certPem, key: pki.serving.keyPem, ca: pki.ca.certPem });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a second call reuses the CA and the certificates that still fit', async () => {
    const dir = await tempDir();
    try {
      const first = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      const second = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      assert.equal(second.ca.fingerprint256, first.ca.fingerprint256);
      assert.equal(second.ca.keyPem, first.ca.keyPem);
      assert.equal(second.serving.certPem, first.serving.certPem);
      assert.equal(second.admin.certPem, first.admin.certPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a newly requested SAN reissues the serving cert from the same CA', async () => {
    const dir = await tempDir();
    try {
      const first = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      const second = await ensureClusterPki(dir, { hostnames: ['new.example.test', '192.0.2.7'], ips: [] });
      assert.equal(second.ca.fingerprint256, first.ca.fingerprint256);
      assert.notEqual(second.serving.certPem, first.serving.certPem);
      const serving = new X509Certificate(second.serving.certPem);
      assert.equal(serving.checkHost('new.example.test', { subject: 'never' }), 'new.example.test');
      assert.equal(serving.checkIP('192.0.2.7'), '192.0.2.7', 'an IP given as a host name becomes an IP SAN');
      assert.ok(serving.verify(new X509Certificate(first.ca.certPem).publicKey));
      assert.equal(second.admin.certPem, first.admin.certPem, 'admin cert untouched');
      assert.equal(await readFile(second.serving.certPath, 'utf8'), second.serving.certPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('leaf certs close to expiry are renewed; the CA is kept', async () => {
    const dir = await tempDir();
    try {
      const first = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      const later = new Date(Date.now() + 300 * DAY); // 65 days before the 1-year certs expire
      const second = await ensureClusterPki(dir, { hostnames: [], ips: [], now: later });
      assert.equal(second.ca.fingerprint256, first.ca.fingerprint256);
      for (const k of ['serving', 'admin'] as const) {
        assert.notEqual(second[k].certPem, first[k].certPem, k);
        const renewed = new X509Certificate(second[k].certPem);
        assert.ok(Date.parse(renewed.validTo) > later.getTime() + 360 * DAY, `${k} renewed for a year`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a damaged leaf pair is reissued; a CA without its key is an error, not a new CA', async () => {
    const dir = await tempDir();
    try {
      const first = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      // admin key replaced by an unrelated key: the pair no longer matches
      const other = await issueClientCert(first, { commonName: 'x' });
      await writeFile(first.admin.keyPath, other.keyPem);
      const second = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      assert.notEqual(second.admin.certPem, first.admin.certPem);
      assert.ok(new X509Certificate(second.admin.certPem).checkPrivateKey(createPrivateKey(second.admin.keyPem)));

      await unlink(first.ca.keyPath);
      await assert.rejects(ensureClusterPki(dir, { hostnames: [], ips: [] }), /key .* is missing/);
      assert.equal(await readFile(first.ca.certPath, 'utf8'), first.ca.certPem, 'CA cert left alone');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('issueClientCert / issueServingCert', () => {
  test('client cert: CN is the user, one O per group, clientAuth, signed by the CA', async () => {
    const dir = await tempDir();
    try {
      const pki = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      const issued = await issueClientCert(pki, {
        commonName: 'system:node:worker-1', organizations: ['system:nodes', 'team-a'], days: 30,
      });
      const cert = new X509Certificate(issued.certPem);
      const ca = new X509Certificate(pki.ca.certPem);
      assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
      assert.deepEqual(lines(cert.subject, 'CN'), ['system:node:worker-1']);
      assert.deepEqual(lines(cert.subject, 'O'), ['system:nodes', 'team-a']);
      assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
      const days = (Date.parse(cert.validTo) - Date.now()) / DAY;
      assert.ok(days > 29 && days < 31, `30 days, got ${days}`);
      await assert.rejects(issueClientCert(pki, { commonName: '' }), /common name/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('serving cert: the given names and IPs, serverAuth', async () => {
    const dir = await tempDir();
    try {
      const pki = await ensureClusterPki(dir, { hostnames: [], ips: [] });
      const issued = await issueServingCert(pki, { commonName: 'kubelet', hostnames: ['worker-1'], ips: ['172.30.0.2'] });
      const cert = new X509Certificate(issued.certPem);
      assert.equal(cert.checkHost('worker-1', { subject: 'never' }), 'worker-1');
      assert.equal(cert.checkIP('172.30.0.2'), '172.30.0.2');
      assert.equal(cert.checkIP('127.0.0.1'), undefined, 'only the requested SANs');
      assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
      await assert.rejects(issueServingCert(pki, { commonName: 'x', ips: ['not-an-ip'] }), /not an IP/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
