import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapTokenSecret, formatJoinToken, generateBootstrapToken, parseBootstrapToken, parseJoinToken, readBootstrapTokenSecret,
  signClusterInfo, tokenExpired, tokenSecretMatches, verifyClusterInfoSignature,
} from './bootstrap-token.js';

describe('bootstrap tokens', () => {
  test('generated tokens have kubeadm\'s shape and parse back', () => {
    const t = generateBootstrapToken();
    assert.match(`${t.id}.${t.secret}`, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.deepEqual(parseBootstrapToken(`${t.id}.${t.secret}`), t);
    for (const bad of ['abc.0123456789abcdef', 'ABCDEF.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef']) {
      assert.equal(parseBootstrapToken(bad), undefined, bad);
    }
  });

  test('join tokens: K10<sha256>::<id>.<secret>, or a bare token', () => {
    const token = { id: 'abcdef', secret: '0123456789abcdef' };
    const hash = 'ab'.repeat(32);
    const text = formatJoinToken(token, hash);
    assert.equal(text, `K10${hash}::abcdef.0123456789abcdef`);
    assert.deepEqual(parseJoinToken(text), { token, caHash: hash });
    assert.deepEqual(parseJoinToken(` abcdef.0123456789abcdef\n`), { token });
    assert.throws(() => parseJoinToken(`K10${hash}abcdef.0123456789abcdef`), /expected K10<ca-hash>::<id>.<secret>/);
    assert.throws(() => parseJoinToken('K10abc::abcdef.0123456789abcdef'), /64 hex digits/);
    assert.throws(() => parseJoinToken(`K10${hash}::server:password`), /bootstrap token/);
    assert.throws(() => formatJoinToken(token, 'xyz'), /64 lower-case hex/);
  });

  test('the Secret round-trips; a Secret that disagrees with its name grants nothing', () => {
    const token = { id: 'abcdef', secret: '0123456789abcdef' };
    const secret = bootstrapTokenSecret(token, { expiresAt: Date.parse('2030-01-02T03:04:05Z'), description: 'd', extraGroups: ['system:bootstrappers:x'] });
    assert.equal(secret.metadata?.name, 'bootstrap-token-abcdef');
    const read = readBootstrapTokenSecret(secret);
    assert.deepEqual(read && { ...read, usages: [...read.usages] }, {
      token, expiresAt: Date.parse('2030-01-02T03:04:05Z'), description: 'd', usages: ['authentication', 'signing'], extraGroups: ['system:bootstrappers:x'],
    });
    assert.ok(read && !tokenExpired(read, Date.parse('2030-01-01T00:00:00Z')) && tokenExpired(read, Date.parse('2030-01-02T03:04:05Z')));
    assert.equal(readBootstrapTokenSecret({ ...secret, metadata: { name: 'bootstrap-token-zzzzzz' } }), undefined);
    assert.equal(readBootstrapTokenSecret({ ...secret, type: 'Opaque' }), undefined);
    assert.throws(() => bootstrapTokenSecret(token, { extraGroups: ['system:masters'] }), /must start with "system:bootstrappers:"/);
    assert.ok(tokenSecretMatches(token, { ...token }));
    assert.ok(!tokenSecretMatches(token, { id: token.id, secret: 'fedcba9876543210' }));
  });

  test('cluster-info signatures: detached HS256 JWS keyed by the token secret', () => {
    const token = { id: 'abcdef', secret: '0123456789abcdef' };
    const jws = signClusterInfo('kubeconfig text', token);
    assert.match(jws, /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString()), { alg: 'HS256', kid: 'abcdef' });
    assert.ok(verifyClusterInfoSignature('kubeconfig text', jws, token));
    assert.ok(!verifyClusterInfoSignature('kubeconfig text!', jws, token));
    assert.ok(!verifyClusterInfoSignature('kubeconfig text', jws, { id: 'abcdef', secret: 'fedcba9876543210' }));
    assert.ok(!verifyClusterInfoSignature('kubeconfig text', jws, { id: 'zzzzzz', secret: token.secret }));
    assert.ok(!verifyClusterInfoSignature('kubeconfig text', 'garbage', token));
  });
});
