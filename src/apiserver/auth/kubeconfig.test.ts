import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readKubeconfig, writeAdminKubeconfig } from './kubeconfig.js';
import { ensureClusterPki } from './pki.js';
import type { ClusterPki } from './pki.js';

describe('admin kubeconfig', () => {
  let dir = '';
  let pki: ClusterPki;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-kubeconfig-'));
    pki = await ensureClusterPki(dir, { hostnames: [], ips: [] });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const opts = (server = 'https://127.0.0.1:6443') => ({
    server, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem,
  });

  test('is a clientcmd v1 Config with embedded base64 credentials, written 0600', async () => {
    const path = join(dir, 'sub', 'admin.yaml');
    await writeAdminKubeconfig(path, opts());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const doc: unknown = parse(await readFile(path, 'utf8'));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.deepEqual(doc, {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'k8ts', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(pki.ca.certPem) } }],
      contexts: [{ name: 'k8ts', context: { cluster: 'k8ts', user: 'admin' } }],
      'current-context': 'k8ts',
      preferences: {},
      users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.admin.certPem), 'client-key-data': b64(pki.admin.keyPem) } }],
    });
  });

  test('reads back the current context: server, CA, client cert and key', async () => {
    const path = join(dir, 'roundtrip.yaml');
    await writeAdminKubeconfig(path, opts('https://10.0.0.5:6443'));
    const creds = await readKubeconfig(path);
    assert.deepEqual(creds, {
      contextName: 'k8ts', clusterName: 'k8ts', userName: 'admin', server: 'https://10.0.0.5:6443',
      caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, insecureSkipTlsVerify: false,
    });
  });

  test('rewriting replaces the file and tightens a loosened mode back to 0600', async () => {
    const path = join(dir, 'rewrite.yaml');
    await writeAdminKubeconfig(path, opts('https://127.0.0.1:1111'));
    await chmod(path, 0o644);
    await writeAdminKubeconfig(path, opts('https://127.0.0.1:2222'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await readKubeconfig(path)).server, 'https://127.0.0.1:2222');
  });

  test('refuses a server that is not an https URL', async () => {
    await assert.rejects(writeAdminKubeconfig(join(dir, 'bad.yaml'), opts('http://127.0.0.1:6443')), /https/);
    await assert.rejects(writeAdminKubeconfig(join(dir, 'bad.yaml'), opts('127.0.0.1:6443')));
    await assert.rejects(stat(join(dir, 'bad.yaml')), /ENOENT/);
  });

  test('reads file-path credentials relative to the kubeconfig, a chosen context, and a token', async () => {
    const sub = join(dir, 'paths');
    const path = join(sub, 'config');
    await writeAdminKubeconfig(join(sub, 'unused.yaml'), opts()); // creates the directory
    await writeFile(join(sub, 'ca.crt'), pki.ca.certPem);
    await writeFile(path, [
      'apiVersion: v1', 'kind: Config', 'current-context: a',
      'clusters:',
      '- name: c1', '  cluster: {server: "https://one:6443", certificate-authority: ca.crt}',
      '- name: c2', '  cluster: {server: "https://two:6443", insecure-skip-tls-verify: true}',
      'contexts:',
      '- name: a', '  context: {cluster: c1, user: u1}',
      '- name: b', '  context: {cluster: c2, user: u2}',
      'users:',
      `- name: u1`, `  user: {client-certificate: ${pki.admin.certPath}, client-key: ${pki.admin.keyPath}}`,
      '- name: u2', '  user: {token: abc.def}',
    ].join('\n'));
    const a = await readKubeconfig(path);
    assert.equal(a.server, 'https://one:6443');
    assert.equal(a.caPem, pki.ca.certPem);
    assert.equal(a.certPem, pki.admin.certPem);
    assert.equal(a.keyPem, pki.admin.keyPem);
    const b = await readKubeconfig(path, { context: 'b' });
    assert.deepEqual(b, {
      contextName: 'b', clusterName: 'c2', userName: 'u2', server: 'https://two:6443',
      token: 'abc.def', insecureSkipTlsVerify: true,
    });
    await assert.rejects(readKubeconfig(path, { context: 'nope' }), /context "nope" not found/);
  });
});
