// Test images built from Debian's busybox-static, without Docker: web (busybox httpd), crash
// (exits 1 at once) and logger (a line a second). Archives are cached under
// os.tmpdir()/k8ts-test-images/<content hash>/NAME.tar; the hash covers busybox itself and every
// file and setting below, so a change rebuilds. Several test processes may build at once:
// writeOciArchive renames a finished temp file into place and the output is deterministic.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeOciArchive, type ImageConfig, type ImageFile } from '../../src/kubelet/images/index.js';

const run = promisify(execFile);

export type TestImageName = 'web' | 'crash' | 'logger';
export const TEST_IMAGE_NAMES: readonly TestImageName[] = ['web', 'crash', 'logger'];

/** Names recorded in the archives (what `ctr images import` calls them); registries re-tag on push. */
export const TEST_IMAGE_REFS: Record<TestImageName, string> = {
  web: 'k8ts.io/k8ts-test/web:1',
  crash: 'k8ts.io/k8ts-test/crash:1',
  logger: 'k8ts.io/k8ts-test/logger:1',
};

/** What the web image serves at / and /healthz; tests match on these. */
export const WEB_INDEX_TEXT = 'k8ts test web server';
export const WEB_HEALTHZ_TEXT = 'ok';

const BUSYBOX = process.env.K8TS_BUSYBOX ?? '/bin/busybox';
/** Bump when something outside this file's data (e.g. the archive writer) changes what is built. */
const RECIPE_VERSION = '1';

// busybox httpd as PID 1 ignores SIGTERM, so a shell stays PID 1, runs httpd as its child and
// answers SIGTERM itself. `wait` returns as soon as a trapped signal arrives.
const WEB_SH = `#!/bin/sh
# k8ts test web server: busybox httpd serving /www on $PORT (default 80).
PORT="\${PORT:-80}"
trap 'echo "web: got SIGTERM"; kill "$pid" 2>/dev/null; exit 0' TERM INT
httpd -f -p "$PORT" -h /www &
pid=$!
echo "web: serving /www on port $PORT"
wait "$pid"
status=$?
echo "web: httpd exited with status $status"
exit "$status"
`;

const HOSTNAME_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
hostname
`;

const CRASH_SH = `#!/bin/sh
echo "crash: starting"
exit 1
`;

const LOGGER_SH = `#!/bin/sh
trap 'echo "logger: got SIGTERM"; exit 0' TERM INT
n=1
while :; do
  echo "logger: line $n"
  n=$((n + 1))
  sleep 1 &
  wait $!
done
`;

interface ImageSpec { files: ImageFile[]; config: ImageConfig }

function specs(): Record<TestImageName, ImageSpec> {
  const env = ['PATH=/bin'];
  const script = (path: string, content: string): ImageFile => ({ type: 'file', path, mode: 0o755, content });
  return {
    web: {
      files: [
        script('/web.sh', WEB_SH),
        { type: 'file', path: '/www/index.html', mode: 0o644,
          content: `<!doctype html>\n<html><head><title>${WEB_INDEX_TEXT}</title></head><body><h1>${WEB_INDEX_TEXT}</h1></body></html>\n` },
        { type: 'file', path: '/www/healthz', mode: 0o644, content: `${WEB_HEALTHZ_TEXT}\n` },
        script('/www/cgi-bin/hostname', HOSTNAME_CGI),
      ],
      config: { entrypoint: ['/web.sh'], env: [...env, 'PORT=80'], exposedPorts: ['80/tcp'], labels: { 'io.k8ts.test-image': 'web' } },
    },
    crash: {
      files: [script('/crash.sh', CRASH_SH)],
      config: { entrypoint: ['/crash.sh'], env, labels: { 'io.k8ts.test-image': 'crash' } },
    },
    logger: {
      files: [script('/logger.sh', LOGGER_SH)],
      config: { entrypoint: ['/logger.sh'], env, labels: { 'io.k8ts.test-image': 'logger' } },
    },
  };
}

/** The busybox root file system every test image shares. */
async function baseFiles(): Promise<ImageFile[]> {
  const { stdout } = await run(BUSYBOX, ['--list']);
  const applets = stdout.split('\n').map((s) => s.trim()).filter((s) => s !== '' && s !== 'busybox');
  return [
    { type: 'file', path: '/bin/busybox', mode: 0o755, source: BUSYBOX },
    ...applets.map((a): ImageFile => ({ type: 'symlink', path: `/bin/${a}`, mode: 0o777, target: 'busybox' })),
    { type: 'file', path: '/etc/passwd', mode: 0o644,
      content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { type: 'file', path: '/etc/group', mode: 0o644, content: 'root:x:0:\nnogroup:x:65534:\n' },
    { type: 'dir', path: '/root', mode: 0o700 },
    { type: 'dir', path: '/tmp', mode: 0o1777 },
  ];
}

let building: Promise<Record<TestImageName, string>> | undefined;

/** Builds (or finds in the cache) the three test image archives; returns their paths. */
export function buildTestImages(): Promise<Record<TestImageName, string>> {
  building ??= build().catch((e: unknown) => { building = undefined; throw e; });
  return building;
}

async function build(): Promise<Record<TestImageName, string>> {
  const base = await baseFiles();
  const all = specs();
  const key = createHash('sha256')
    .update(await readFile(BUSYBOX))
    .update(JSON.stringify({ RECIPE_VERSION, base, all, refs: TEST_IMAGE_REFS, arch: process.arch }))
    .digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'k8ts-test-images', key);
  await mkdir(dir, { recursive: true });
  const out = {} as Record<TestImageName, string>;
  await Promise.all(TEST_IMAGE_NAMES.map(async (name) => {
    const path = join(dir, `${name}.tar`);
    if (!existsSync(path)) {
      await writeOciArchive(path, { ref: TEST_IMAGE_REFS[name], files: [...base, ...all[name].files], config: all[name].config });
    }
    out[name] = path;
  }));
  return out;
}
