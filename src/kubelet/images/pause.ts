// The pause image: the sandbox container every pod starts first (containerd's `sandbox_image`).
// Debian's default (registry.k8s.io/pause) cannot be pulled offline, so k8ts compiles its own
// from pause.c with the machine's C compiler and keeps the archive in a cache directory.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeOciArchive } from './oci-archive.js';

const run = promisify(execFile);

/** The name the pause image is imported under; containerd's `sandbox_image` must say the same. */
export const PAUSE_IMAGE = 'k8ts.io/pause:3.10';

const CFLAGS = ['-static', '-Os', '-s', '-Wall'];
/** Bump when the archive layout or the image's config changes without pause.c changing. */
const RECIPE_VERSION = '1';

export interface PauseImage {
  /** Path of the oci-archive tar, ready for `ctr images import`. */
  archive: string;
  ref: string;
}

/**
 * Returns the pause image archive in cacheDir, building it when absent or when pause.c, the flags
 * or the recipe changed (the file name carries a hash of all three). Needs a C compiler with a
 * static libc (Debian: gcc and libc6-dev); `CC` in the environment picks another compiler.
 */
export async function ensurePauseImage(cacheDir: string): Promise<PauseImage> {
  const source = await readFile(pauseSourcePath());
  const key = createHash('sha256')
    .update(source).update(CFLAGS.join(' ')).update(PAUSE_IMAGE).update(process.arch).update(RECIPE_VERSION)
    .digest('hex').slice(0, 16);
  const archive = join(cacheDir, `pause-${key}.tar`);
  if (existsSync(archive)) return { archive, ref: PAUSE_IMAGE };

  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, '.pause-build-'));
  try {
    const binary = join(work, 'pause');
    await compile(join(work, 'pause.c'), source, binary);
    const written = await writeOciArchive(archive, {
      ref: PAUSE_IMAGE,
      files: [{ type: 'file', path: '/pause', mode: 0o755, source: binary }],
      config: { entrypoint: ['/pause'], user: '65535:65535' },
    });
    return { archive: written.path, ref: written.ref };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function compile(sourcePath: string, source: Buffer, output: string): Promise<void> {
  await writeFile(sourcePath, source);
  const cc = process.env.CC || 'cc';
  try {
    await run(cc, [...CFLAGS, '-o', output, sourcePath], { timeout: 120_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(`building the pause image needs a C compiler, and "${cc}" was not found: install gcc and libc6-dev (apt-get install -y gcc libc6-dev)`);
    }
    const detail = (err.stderr ?? err.message).trim();
    const hint = /cannot find -lc|crt1\.o|stdio\.h/.test(detail) ? ' (static libc missing: apt-get install -y libc6-dev)' : '';
    throw new Error(`compiling the pause image with "${cc}" failed${hint}: ${detail}`);
  }
}

/**
 * pause.c sits beside this module in the source tree. The compiled module runs from dist/src/...,
 * where tsc copies no .c files, so look in the matching src/ directory too.
 */
function pauseSourcePath(): string {
  const beside = fileURLToPath(new URL('./pause.c', import.meta.url));
  if (existsSync(beside)) return beside;
  const fromDist = beside.replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (existsSync(fromDist)) return fromDist;
  throw new Error(`pause.c not found (looked at ${beside} and ${fromDist})`);
}
