// The few host mount operations volumes need: tmpfs for memory-backed emptyDir and for secret and
// projected volumes, unmount at teardown, and which paths are mount points (/proc/self/mountinfo).
// mount(8)/umount(8) do the work: Node has no mount syscall, and they are on every node.
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Every mount point of this process's mount namespace. */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.push(unescape(f[4]!));
  }
  return out;
}

/** Mount points at or under `dir` (resolved through symlinks, as mountinfo shows them), deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const all = await mountPoints();
  return all.filter((m) => m === real || m.startsWith(`${real}/`)).sort((a, b) => b.length - a.length);
}

export async function isMountPoint(path: string): Promise<boolean> {
  const real = await realpath(path);
  return (await mountPoints()).includes(real);
}

/** A tmpfs on `path` (mode 1777 like any tmpfs root; size in bytes when given). */
export async function mountTmpfs(path: string, sizeBytes?: number): Promise<void> {
  const opts = ['mode=1777', ...(sizeBytes !== undefined && sizeBytes > 0 ? [`size=${sizeBytes}`] : [])];
  try {
    await run('mount', ['-t', 'tmpfs', '-o', opts.join(','), 'tmpfs', path]);
  } catch (e) {
    throw new Error(`mount failed: ${stderrOf(e)}\nMounting command: mount\nMounting arguments: -t tmpfs -o ${opts.join(',')} tmpfs ${path}`);
  }
}

export async function unmount(path: string): Promise<void> {
  try {
    await run('umount', [path]);
  } catch (e) {
    throw new Error(`unmount failed: ${stderrOf(e)}\nUnmounting arguments: ${path}`);
  }
}

function stderrOf(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr || err.message || String(e)).trim();
}
