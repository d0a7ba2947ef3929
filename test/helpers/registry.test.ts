// The test images and the local registry, checked with real tools: skopeo pushes, a private
// containerd pulls with `ctr` (no CRI), and the images run under runc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { buildTestImages, TEST_IMAGE_REFS, WEB_HEALTHZ_TEXT, WEB_INDEX_TEXT } from './images.js';
import { pushArchive, startRegistry, startTestRegistry } from './registry.js';
import { startPrivateContainerd, type PrivateContainerd } from './private-containerd.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

const runFlags = (c: PrivateContainerd) => ['--runc-root', c.runcRoot, '--fifo-dir', c.fifoDir];

test('buildTestImages: three busybox images with the configured entrypoints, cached', async (t) => {
  const started = Date.now();
  const archives = await buildTestImages();
  t.diagnostic(`buildTestImages (cold or cached): ${Date.now() - started} ms`);
  assert.deepEqual(Object.keys(archives).sort(), ['crash', 'logger', 'web']);
  assert.deepEqual(await buildTestImages(), archives, 'same paths on a second call');

  const inspect = async (a: string) => JSON.parse((await run('skopeo', ['inspect', '--config', `oci-archive:${a}`])).stdout) as
    { config: { Entrypoint: string[]; Env: string[]; ExposedPorts?: Record<string, unknown> } };
  const web = await inspect(archives.web);
  assert.deepEqual(web.config.Entrypoint, ['/web.sh']);
  assert.deepEqual(web.config.Env, ['PATH=/bin', 'PORT=80']);
  assert.deepEqual(web.config.ExposedPorts, { '80/tcp': {} });
  assert.deepEqual((await inspect(archives.crash)).config.Entrypoint, ['/crash.sh']);
  assert.deepEqual((await inspect(archives.logger)).config.Env, ['PATH=/bin']);

  // One symlink per applet, plus busybox, passwd, group, /tmp 1777 in the layer.
  const { stdout: applets } = await run('/bin/busybox', ['--list']);
  const layer = await run('sh', ['-c', `cd "$(mktemp -d)" && tar -xf "${archives.crash}" && for b in blobs/sha256/*; do if gzip -t "$b" 2>/dev/null; then tar -tvzf "$b"; fi; done; rm -rf "$PWD"`], { maxBuffer: 16 << 20 });
  for (const a of applets.split('\n').filter((s) => s && s !== 'busybox')) {
    assert.ok(layer.stdout.includes(` bin/${a} -> busybox`), `applet ${a} linked`);
  }
  assert.match(layer.stdout, /^drwxrwxrwt root\/root\s+0 1970-01-01 00:00 tmp\/$/m);
  assert.match(layer.stdout, / etc\/passwd$/m);
  assert.match(layer.stdout, / etc\/group$/m);
  assert.match(layer.stdout, /^-rwxr-xr-x root\/root\s+\d{6,} 1970-01-01 00:00 bin\/busybox$/m);
  assert.match(layer.stdout, / crash\.sh$/m);
});

test('registry without auth: push, pull with ctr, and the images really run', { skip: !isRoot && 'needs root (containerd)' }, async (t) => {
  let started = Date.now();
  const registry = await startTestRegistry();
  t.after(() => registry.stop());
  t.diagnostic(`startTestRegistry (build cached + start + push 3): ${Date.now() - started} ms`);
  assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
  assert.equal(registry.images.web, `${registry.host}/k8ts-test/web:1`);
  const catalog = await (await fetch(`http://${registry.host}/v2/_catalog`)).json() as { repositories: string[] };
  assert.deepEqual(catalog.repositories, ['k8ts-test/crash', 'k8ts-test/logger', 'k8ts-test/web']);

  const containerd = await startPrivateContainerd();
  t.after(() => containerd.stop());
  for (const ref of Object.values(registry.images)) {
    started = Date.now();
    const pull = await containerd.ctr(['images', 'pull', '--plain-http', ref]);
    assert.equal(pull.code, 0, pull.stderr + containerd.log());
    t.diagnostic(`pull ${ref}: ${Date.now() - started} ms`);
  }

  await t.test('crash prints its line and exits 1', async () => {
    const res = await containerd.ctr(['run', '--rm', ...runFlags(containerd), registry.images.crash, 'crash-1']);
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stdout, 'crash: starting\n');
  });

  await t.test('web serves index, healthz and the hostname CGI on $PORT, and exits 0 on SIGTERM at once', async () => {
    const port = await freePort();
    const web = containerd.spawn(['run', '--rm', '--net-host', '--env', `PORT=${port}`, ...runFlags(containerd), registry.images.web, 'web-1']);
    await web.waitFor(`web: serving /www on port ${port}`);
    let index: Response | undefined;
    for (let i = 0; i < 50 && !index; i++) {
      index = await fetch(`http://127.0.0.1:${port}/`).catch(async () => { await new Promise((r) => setTimeout(r, 100)); return undefined; });
    }
    assert.equal(index?.status, 200);
    assert.match(await index.text(), new RegExp(WEB_INDEX_TEXT));
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual([healthz.status, (await healthz.text()).trim()], [200, WEB_HEALTHZ_TEXT]);
    const host = await fetch(`http://127.0.0.1:${port}/cgi-bin/hostname`);
    assert.equal(host.status, 200);
    assert.ok((await host.text()).trim().length > 0);
    const stopAt = Date.now();
    await containerd.ctr(['task', 'kill', '-s', 'SIGTERM', 'web-1']);
    assert.equal(await web.exit, 0, web.output());
    assert.ok(Date.now() - stopAt < 3_000, `stopped in ${Date.now() - stopAt} ms`);
    assert.match(web.output(), /web: got SIGTERM/);
  });

  await t.test('logger prints a line a second and exits 0 on SIGTERM without waiting for its sleep', async () => {
    const logger = containerd.spawn(['run', '--rm', ...runFlags(containerd), registry.images.logger, 'logger-1']);
    await logger.waitFor('logger: line 2');
    const stopAt = Date.now();
    await containerd.ctr(['task', 'kill', '-s', 'SIGTERM', 'logger-1']);
    assert.equal(await logger.exit, 0, logger.output());
    assert.ok(Date.now() - stopAt < 800, `stopped in ${Date.now() - stopAt} ms`);
    assert.match(logger.output(), /^logger: line 1\nlogger: line 2\n(logger: line 3\n)?logger: got SIGTERM\n$/);
  });
});

test('registry with htpasswd auth: pushes and pulls need the credentials', { skip: !isRoot && 'needs root (containerd)' }, async (t) => {
  const auth = { username: 'k8ts', password: 's3cret-pw' };
  const registry = await startTestRegistry({ auth });
  t.after(() => registry.stop());
  assert.equal((await fetch(`http://${registry.host}/v2/`)).status, 401);

  const archives = await buildTestImages();
  await assert.rejects(pushArchive(archives.crash, `${registry.host}/k8ts-test/anon:1`), /pushing .* failed/);

  const containerd = await startPrivateContainerd();
  t.after(() => containerd.stop());
  const anonymous = await containerd.ctr(['images', 'pull', '--plain-http', registry.images.web]);
  assert.notEqual(anonymous.code, 0, 'pull without credentials must fail');
  assert.match(anonymous.stderr, /401|unauthorized|authorization/i);
  const wrong = await containerd.ctr(['images', 'pull', '--plain-http', '--user', `${auth.username}:nope`, registry.images.web]);
  assert.notEqual(wrong.code, 0, 'pull with a wrong password must fail');
  const withUser = await containerd.ctr(['images', 'pull', '--plain-http', '--user', `${auth.username}:${auth.password}`, registry.images.web]);
  assert.equal(withUser.code, 0, withUser.stderr);
  const names = (await containerd.ctr(['images', 'ls', '-q'])).stdout.split('\n');
  assert.ok(names.includes(registry.images.web), names.join(', '));
});

test('startRegistry listens on 127.0.0.1 only and stop() ends it', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
  const port = registry.host.split(':')[1];
  const { stdout } = await run('ss', ['-Htln', `sport = :${port}`]);
  const local = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[3]);
  assert.deepEqual(local, [registry.host]);
  assert.equal((await fetch(`http://${registry.host}/v2/`)).status, 200);
  await registry.stop();
  await assert.rejects(fetch(`http://${registry.host}/v2/`));
  assert.equal(TEST_IMAGE_REFS.web, 'k8ts.io/k8ts-test/web:1');
});
