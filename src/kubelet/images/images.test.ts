import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readlink, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePauseImage, importImageArchive, normaliseImageRef, PAUSE_IMAGE, writeOciArchive, type ImageFile } from './index.js';
import { startPrivateContainerd } from '../../../test/helpers/private-containerd.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const longDir = `deep/${'d'.repeat(90)}/${'e'.repeat(40)}`; // > 100 bytes: needs the ustar prefix field
const longName = `${'n'.repeat(120)}.txt`; // a name part > 100 bytes: needs a pax header

async function sampleFiles(dir: string): Promise<ImageFile[]> {
  const source = join(dir, 'source.bin');
  await writeFile(source, Buffer.from([0, 1, 2, 3, 255]));
  return [
    { type: 'file', path: '/etc/greeting', mode: 0o644, content: 'hello\n' },
    { type: 'file', path: '/bin/tool', mode: 0o755, source },
    { type: 'file', path: '/home/app/owned', mode: 0o600, uid: 1000, gid: 1001, content: Buffer.from('mine') },
    { type: 'dir', path: '/tmp', mode: 0o1777 },
    { type: 'symlink', path: '/bin/alias', mode: 0o777, target: 'tool' },
    { type: 'symlink', path: '/far', mode: 0o777, target: `/${'t'.repeat(150)}` },
    { type: 'file', path: `/${longDir}/file`, mode: 0o644, content: 'deep' },
    { type: 'file', path: `/${longName}`, mode: 0o644, content: 'long' },
  ];
}

const sampleConfig = {
  entrypoint: ['/bin/tool'], cmd: ['--flag'], env: ['PATH=/bin', 'A=b'], user: '1000:1001', workingDir: '/home/app',
  exposedPorts: ['8080/tcp'], labels: { 'io.k8ts.example': 'yes' },
};

test('normaliseImageRef fills in domain, library/ and :latest as CRI does', () => {
  assert.equal(normaliseImageRef('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normaliseImageRef('user/app:2'), 'docker.io/user/app:2');
  assert.equal(normaliseImageRef('k8ts.io/pause:3.10'), 'k8ts.io/pause:3.10');
  assert.equal(normaliseImageRef('127.0.0.1:5000/k8ts-test/web:1'), '127.0.0.1:5000/k8ts-test/web:1');
  assert.equal(normaliseImageRef('localhost/app'), 'localhost/app:latest');
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.equal(normaliseImageRef(`k8ts.io/app@${digest}`), `k8ts.io/app@${digest}`);
  for (const bad of ['', 'UPPER/case', 'a b', 'k8ts.io/app:', 'k8ts.io//x']) {
    assert.throws(() => normaliseImageRef(bad), /not valid/, bad);
  }
});

test('writeOciArchive: skopeo reads the config, umoci unpacks the files with modes, owners and links', async (t) => {
  const dir = await tempDir(t, 'k8ts-oci-');
  const archive = join(dir, 'sample.tar');
  const result = await writeOciArchive(archive, { ref: 'k8ts.io/sample:1', files: await sampleFiles(dir), config: sampleConfig });
  assert.equal(result.ref, 'k8ts.io/sample:1');
  assert.equal(result.size, (await stat(archive)).size);

  const inspect = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${archive}`])).stdout) as { Digest: string; Layers: string[]; Labels: Record<string, string>; Env: string[] };
  assert.equal(inspect.Digest, result.manifestDigest);
  assert.deepEqual(inspect.Layers, [result.layerDigest]);
  assert.deepEqual(inspect.Labels, { 'io.k8ts.example': 'yes' });
  const config = JSON.parse((await run('skopeo', ['inspect', '--config', `oci-archive:${archive}`])).stdout) as { os: string; architecture: string; config: Record<string, unknown> };
  assert.equal(config.os, 'linux');
  assert.deepEqual(config.config, {
    User: '1000:1001', ExposedPorts: { '8080/tcp': {} }, Env: ['PATH=/bin', 'A=b'], Entrypoint: ['/bin/tool'],
    Cmd: ['--flag'], WorkingDir: '/home/app', Labels: { 'io.k8ts.example': 'yes' },
  });

  // umoci reads an OCI layout directory: unpack the archive, then the image by its ref name.
  const layout = join(dir, 'layout');
  await mkdir(layout);
  await run('tar', ['-xf', archive, '-C', layout]);
  assert.equal((await run('umoci', ['ls', '--layout', layout])).stdout.trim(), 'k8ts.io/sample:1');
  const bundle = join(dir, 'bundle');
  await run('umoci', ['unpack', '--image', `${layout}:k8ts.io/sample:1`, bundle]);
  const rootfs = join(bundle, 'rootfs');
  assert.equal(await readFile(join(rootfs, 'etc/greeting'), 'utf8'), 'hello\n');
  assert.deepEqual([...await readFile(join(rootfs, 'bin/tool'))], [0, 1, 2, 3, 255]);
  assert.equal((await stat(join(rootfs, 'bin/tool'))).mode & 0o7777, 0o755);
  const owned = await stat(join(rootfs, 'home/app/owned'));
  assert.deepEqual([owned.mode & 0o7777, owned.uid, owned.gid], [0o600, 1000, 1001]);
  assert.equal((await stat(join(rootfs, 'tmp'))).mode & 0o7777, 0o1777);
  assert.equal((await stat(join(rootfs, 'home'))).mode & 0o7777, 0o755, 'missing parents are added as 0755');
  assert.ok((await lstat(join(rootfs, 'bin/alias'))).isSymbolicLink());
  assert.equal(await readlink(join(rootfs, 'bin/alias')), 'tool');
  assert.equal(await readlink(join(rootfs, 'far')), `/${'t'.repeat(150)}`);
  assert.equal(await readFile(join(rootfs, longDir, 'file'), 'utf8'), 'deep');
  assert.equal(await readFile(join(rootfs, longName), 'utf8'), 'long');

  // GNU tar agrees on the layer's member list (it would complain about a bad checksum or pax record).
  const layerBlob = join(layout, 'blobs/sha256', result.layerDigest.slice('sha256:'.length));
  const members = (await run('tar', ['-tzf', layerBlob])).stdout.split('\n').filter(Boolean);
  assert.ok(members.includes(`${longName}`) && members.includes(`${longDir}/file`) && members.includes('tmp/'), members.join(', '));
});

test('writeOciArchive is deterministic: same input, same bytes and digests; other input, other digest', async (t) => {
  const dir = await tempDir(t, 'k8ts-oci-det-');
  const files = await sampleFiles(dir);
  const a = await writeOciArchive(join(dir, 'a.tar'), { ref: 'k8ts.io/sample:1', files, config: sampleConfig });
  // Same entries in another order: sorting makes the layer the same.
  const b = await writeOciArchive(join(dir, 'b.tar'), { ref: 'k8ts.io/sample:1', files: [...files].reverse(), config: sampleConfig });
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.ok((await readFile(a.path)).equals(await readFile(b.path)));
  const c = await writeOciArchive(join(dir, 'c.tar'), { ref: 'k8ts.io/sample:1', files, config: { ...sampleConfig, env: ['PATH=/usr/bin'] } });
  assert.notEqual(c.manifestDigest, a.manifestDigest);
  assert.equal(c.layerDigest, a.layerDigest, 'config change leaves the layer alone');
  const d = await writeOciArchive(join(dir, 'd.tar'), { ref: 'k8ts.io/sample:1', files: [...files, { type: 'dir', path: '/x', mode: 0o755 }], config: sampleConfig });
  assert.notEqual(d.layerDigest, a.layerDigest);
  await assert.rejects(writeOciArchive(join(dir, 'e.tar'), { ref: 'k8ts.io/x:1', files: [files[0]!, files[0]!], config: {} }), /listed twice/);
  await assert.rejects(writeOciArchive(join(dir, 'e.tar'), { ref: 'k8ts.io/x:1', files: [{ type: 'dir', path: '/../up', mode: 0o755 }], config: {} }), /not a path below/);
});

test('ensurePauseImage builds a static pause once and reuses it', async (t) => {
  const cache = await tempDir(t, 'k8ts-pause-');
  const started = Date.now();
  const first = await ensurePauseImage(cache);
  const buildMs = Date.now() - started;
  assert.equal(first.ref, PAUSE_IMAGE);
  assert.equal(PAUSE_IMAGE, 'k8ts.io/pause:3.10');
  const mtime = (await stat(first.archive)).mtimeMs;
  const again = Date.now();
  const second = await ensurePauseImage(cache);
  const reuseMs = Date.now() - again;
  assert.equal(second.archive, first.archive);
  assert.equal((await stat(second.archive)).mtimeMs, mtime, 'not rebuilt');
  t.diagnostic(`pause image: build ${buildMs} ms, reuse ${reuseMs} ms, ${(await stat(first.archive)).size} bytes`);

  const config = JSON.parse((await run('skopeo', ['inspect', '--config', `oci-archive:${first.archive}`])).stdout) as { config: { User: string; Entrypoint: string[] } };
  assert.equal(config.config.User, '65535:65535');
  assert.deepEqual(config.config.Entrypoint, ['/pause']);

  // The binary is static (it runs in an image with nothing else) and answers -v.
  const layout = join(cache, 'layout');
  await mkdir(layout);
  await run('tar', ['-xf', first.archive, '-C', layout]);
  const manifest = JSON.parse(await readFile(join(layout, 'blobs/sha256', JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')).manifests[0].digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
  await run('tar', ['-xzf', join(layout, 'blobs/sha256', manifest.layers[0]!.digest.slice(7)), '-C', cache]);
  const file = (await run('file', [join(cache, 'pause')]).catch(() => ({ stdout: 'statically linked (file(1) missing)' }))).stdout;
  assert.match(file, /statically linked|static-pie/);
  assert.equal((await run(join(cache, 'pause'), ['-v'])).stdout.trim(), 'k8ts-pause 3.10');
});

test('ensurePauseImage without a C compiler names the packages to install', async (t) => {
  const cache = await tempDir(t, 'k8ts-pause-nocc-');
  const saved = process.env.CC;
  process.env.CC = '/nonexistent/cc';
  t.after(() => { if (saved === undefined) delete process.env.CC; else process.env.CC = saved; });
  await assert.rejects(ensurePauseImage(cache), /C compiler.*gcc and libc6-dev/);
});

test('ctr images import gives the archive its full name; the pause image runs as 65535 and exits 0 on SIGTERM', { skip: !isRoot && 'needs root (containerd)' }, async (t) => {
  const cache = await tempDir(t, 'k8ts-pause-ctr-');
  const pause = await ensurePauseImage(cache);
  const dir = await tempDir(t, 'k8ts-oci-ctr-');
  const sample = await writeOciArchive(join(dir, 'sample.tar'), { ref: 'k8ts.io/sample:1', files: await sampleFiles(dir), config: sampleConfig });
  const bare = await writeOciArchive(join(dir, 'bare.tar'), { ref: 'busybox', files: [{ type: 'file', path: '/x', mode: 0o644, content: 'x' }], config: {} });

  const containerd = await startPrivateContainerd();
  t.after(() => containerd.stop());
  const started = Date.now();
  await importImageArchive({ address: containerd.address, archive: pause.archive });
  t.diagnostic(`import pause: ${Date.now() - started} ms`);
  await importImageArchive({ address: containerd.address, archive: sample.path });
  await importImageArchive({ address: containerd.address, archive: bare.path });

  const list = await containerd.ctr(['images', 'ls']);
  const rows = list.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/));
  const byName = new Map(rows.map((r) => [r[0], r]));
  assert.equal(byName.get(PAUSE_IMAGE)?.[2], (JSON.parse((await run('skopeo', ['inspect', `oci-archive:${pause.archive}`])).stdout) as { Digest: string }).Digest);
  assert.equal(byName.get('k8ts.io/sample:1')?.[2], sample.manifestDigest);
  assert.ok(byName.has('docker.io/library/busybox:latest'), `a short ref is imported under its normalised name: ${list.stdout}`);
  // The CRI plugin saw the images (it labels what it manages): pods can use them by this name.
  assert.ok(byName.get(PAUSE_IMAGE)?.some((c) => c === 'io.cri-containerd.image=managed'), list.stdout);

  // Run the pause image for real: it must start, run as 65535 and stop cleanly on SIGTERM.
  const pauseRun = containerd.spawn(['run', '--rm', '--runc-root', containerd.runcRoot, '--fifo-dir', containerd.fifoDir, PAUSE_IMAGE, 'pause-1']);
  let pid = '';
  for (let i = 0; i < 100 && !/RUNNING/.test(pid); i++) {
    await new Promise((r) => setTimeout(r, 50));
    pid = (await containerd.ctr(['task', 'ls'])).stdout.split('\n').find((l) => l.startsWith('pause-1')) ?? '';
  }
  assert.match(pid, /RUNNING/);
  const status = await readFile(`/proc/${pid.split(/\s+/)[1]}/status`, 'utf8');
  assert.match(status, /^Uid:\s+65535\s/m);
  await containerd.ctr(['task', 'kill', '-s', 'SIGTERM', 'pause-1']);
  assert.equal(await pauseRun.exit, 0, pauseRun.output());

  await assert.rejects(importImageArchive({ address: containerd.address, archive: join(dir, 'missing.tar') }), /ctr .*images import.*failed/);
});
