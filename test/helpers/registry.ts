// A real OCI registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1, with
// filesystem storage in a temp dir and, when asked, htpasswd (bcrypt) authentication. Images are
// pushed with skopeo from the oci-archives test/helpers/images.ts builds.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { buildTestImages, TEST_IMAGE_NAMES, type TestImageName } from './images.js';

const run = promisify(execFile);

export interface RegistryAuth { username: string; password: string }

export interface Registry {
  /** "127.0.0.1:PORT": the registry part of image references. */
  host: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** Defaults to a free port. */
  port?: number;
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-registry-'));
  try {
    let authYaml = '';
    if (opts.auth) {
      const htpasswd = join(dir, 'htpasswd');
      await writeFile(htpasswd, await bcryptHtpasswdLine(opts.auth), { mode: 0o600 });
      authYaml = `auth:\n  htpasswd:\n    realm: k8ts-test\n    path: ${htpasswd}\n`;
    }
    // A port picked free can be taken before the registry binds it: try a few.
    for (let attempt = 0; ; attempt++) {
      const port = opts.port ?? await freePort();
      const host = `127.0.0.1:${port}`;
      const config = join(dir, 'config.yml');
      await writeFile(config, [
        'version: 0.1',
        'log:', '  level: warn', '  accesslog:', '    disabled: true',
        'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
        'http:', `  addr: ${host}`,
        authYaml,
      ].join('\n'));
      const logPath = join(dir, 'registry.log');
      const fd = openSync(logPath, 'a');
      const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', fd, fd] });
      closeSync(fd);
      killOnExit(child, dir);
      const log = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };
      const up = await waitUntilServing(child, host);
      if (up) {
        return { host, stop: async () => { await stopChild(child); await rm(dir, { recursive: true, force: true }); } };
      }
      await stopChild(child);
      if (opts.port !== undefined || attempt >= 2 || !/address already in use/.test(log())) {
        throw new Error(`docker-registry did not start on ${host}: ${log()}`);
      }
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('docker-registry not found: apt-get install -y docker-registry');
    throw e;
  }
}

/** Any HTTP answer on /v2/ (200, or 401 with auth) means the registry serves. */
async function waitUntilServing(child: ChildProcess, host: string): Promise<boolean> {
  let spawnError: Error | undefined;
  child.once('error', (e) => { spawnError = e; });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return true;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** A test that fails before stop() must not leave the registry running or keep the runner alive. */
function killOnExit(child: ChildProcess, dir: string): void {
  const kill = () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  child.unref();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** distribution's htpasswd accepts bcrypt only; `htpasswd -nbB` (apache2-utils) writes it. */
async function bcryptHtpasswdLine(auth: RegistryAuth): Promise<string> {
  try {
    const { stdout } = await run('htpasswd', ['-nbB', auth.username, auth.password]);
    return stdout.trim() + '\n';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('htpasswd not found: apt-get install -y apache2-utils');
    throw e;
  }
}

let policyPath: Promise<string> | undefined;

/** skopeo refuses to copy without a signature policy; tests accept anything. */
function skopeoPolicy(): Promise<string> {
  policyPath ??= (async () => {
    const path = join(tmpdir(), 'k8ts-skopeo-policy.json');
    const tmp = `${path}.${process.pid}`;
    await writeFile(tmp, '{"default":[{"type":"insecureAcceptAnything"}]}\n');
    await rename(tmp, path);
    return path;
  })();
  return policyPath;
}

/** Pushes an oci-archive to REF (HOST/NAME:TAG) over plain HTTP with skopeo. */
export async function pushArchive(archive: string, ref: string, auth?: RegistryAuth): Promise<void> {
  const args = ['--policy', await skopeoPolicy(), 'copy', '--quiet', '--dest-tls-verify=false'];
  if (auth) args.push('--dest-creds', `${auth.username}:${auth.password}`);
  args.push(`oci-archive:${archive}`, `docker://${ref}`);
  try {
    await run('skopeo', args, { timeout: 120_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('skopeo not found: apt-get install -y skopeo');
    throw new Error(`pushing ${archive} to ${ref} failed: ${(err.stderr || err.message).trim()}`);
  }
}

export interface TestRegistry extends Registry {
  /** Pullable references: HOST/k8ts-test/NAME:1. */
  images: Record<TestImageName, string>;
}

/** A registry holding the web, crash and logger test images. */
export async function startTestRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const archives = await buildTestImages();
  const registry = await startRegistry(opts);
  try {
    const images = Object.fromEntries(TEST_IMAGE_NAMES.map((n) => [n, `${registry.host}/k8ts-test/${n}:1`])) as Record<TestImageName, string>;
    await Promise.all(TEST_IMAGE_NAMES.map((n) => pushArchive(archives[n], images[n], opts.auth)));
    return { ...registry, images };
  } catch (e) {
    await registry.stop();
    throw e;
  }
}
