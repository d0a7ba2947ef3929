// Atomic projection of files into a volume directory, the way kubelet's AtomicWriter does it
// (pkg/volume/util/atomic_writer.go), so a running container never reads a half-updated set:
//
//   <dir>/..2024_05_01_12_00_00.123456/   the content of one version (files and sub-directories)
//   <dir>/..data -> ..2024_05_01_12_00_00.123456   swapped with one rename(2)
//   <dir>/<key>  -> ..data/<key>          user-visible names (top-level components only)
//
// An update writes a new timestamped directory, points a temporary symlink at it and renames that
// over `..data`; then it adds new user-visible links, removes links no longer in the payload and
// deletes the old version. A payload equal to what is there already writes nothing.
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

export interface FileProjection { data: Buffer; mode: number }
/** Relative path (as the user wrote it in items[].path or the key) → content. */
export type Payload = Map<string, FileProjection>;

export interface AtomicWriteOptions {
  /** pod.spec.securityContext.fsGroup: files and directories get this group and group read (kube's SetVolumeOwnership for read-only volumes). */
  fsGroup?: number;
  /** Wall time for the version directory's name. */
  now?: number;
}

const DATA = '..data';
const DATA_TMP = '..data_tmp';
const MAX_PATH = 4096;
const MAX_NAME = 255;

/** A payload path must be relative, without `..` elements, and not start with `..` (those names are the writer's). */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error(`invalid path: must not be empty: ""`);
  if (p.startsWith('/')) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.length > MAX_PATH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH} characters`);
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
    if (item.length > MAX_NAME) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_NAME} characters`);
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2) throw new Error(`invalid path: must not start with '..': ${p}`);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
function versionPrefix(ms: number): string {
  const d = new Date(ms);
  return `..${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

const FILE_GROUP_READ = 0o440;
const DIR_GROUP_READ = 0o2550; // setgid keeps the group on anything created later

/** The mode a file ends up with once fsGroup ownership is applied. */
const effectiveMode = (mode: number, fsGroup: number | undefined): number => (fsGroup === undefined ? mode : mode | FILE_GROUP_READ) & 0o7777;

/** Every regular file under `root`, relative path → its content and mode/group. */
async function readVersion(root: string): Promise<Map<string, { data: Buffer; mode: number; gid: number }>> {
  const out = new Map<string, { data: Buffer; mode: number; gid: number }>();
  const walk = async (rel: string): Promise<void> => {
    for (const ent of await readdir(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) await walk(r);
      else if (ent.isFile()) {
        const st = await lstat(join(root, r));
        out.set(r, { data: await readFile(join(root, r)), mode: st.mode & 0o7777, gid: st.gid });
      }
    }
  };
  await walk('');
  return out;
}

async function currentVersion(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, DATA));
  } catch (e) {
    if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw e;
  }
}

function samePayload(payload: Payload, old: Map<string, { data: Buffer; mode: number; gid: number }>, fsGroup: number | undefined): boolean {
  if (payload.size !== old.size) return false;
  for (const [p, f] of payload) {
    const o = old.get(p);
    if (!o || !o.data.equals(f.data) || o.mode !== effectiveMode(f.mode, fsGroup)) return false;
    if (fsGroup !== undefined && o.gid !== fsGroup) return false;
  }
  return true;
}

const topLevel = (paths: Iterable<string>): Set<string> => new Set([...paths].map((p) => p.split('/')[0]!));

async function writeVersion(dir: string, payload: Payload, o: AtomicWriteOptions): Promise<string> {
  const tsDir = await mkdtemp(join(dir, versionPrefix(o.now ?? Date.now())));
  await chmod(tsDir, 0o755);
  const dirs = new Set<string>([tsDir]);
  for (const [p, f] of payload) {
    const full = join(tsDir, p);
    const parent = dirname(full);
    if (!dirs.has(parent)) {
      await mkdir(parent, { recursive: true, mode: 0o755 });
      for (let d = parent; d !== tsDir && !dirs.has(d); d = dirname(d)) dirs.add(d);
    }
    await writeFile(full, f.data, { mode: f.mode & 0o7777 });
    await chmod(full, effectiveMode(f.mode, o.fsGroup)); // writeFile's mode is filtered by the umask
    if (o.fsGroup !== undefined) await chown(full, -1, o.fsGroup);
  }
  for (const d of dirs) {
    await chmod(d, o.fsGroup === undefined ? 0o755 : 0o755 | DIR_GROUP_READ);
    if (o.fsGroup !== undefined) await chown(d, -1, o.fsGroup);
  }
  return tsDir.slice(dir.length + 1);
}

/**
 * Makes `dir` hold exactly `payload`; resolves true when something was written. The caller
 * serialises writes to one directory (two writers would race on `..data_tmp`).
 */
export async function writeAtomic(dir: string, payload: Payload, o: AtomicWriteOptions = {}): Promise<boolean> {
  const clean: Payload = new Map();
  for (const [p, f] of payload) {
    validatePayloadPath(p);
    clean.set(posix.normalize(p).replace(/\/+$/, ''), f);
  }
  const oldVersion = await currentVersion(dir);
  const old = oldVersion ? await readVersion(join(dir, oldVersion)).catch((e: unknown) => { if (isMissing(e)) return undefined; throw e; }) : undefined;
  const changed = !old || !samePayload(clean, old, o.fsGroup);
  if (changed) {
    const version = await writeVersion(dir, clean, o);
    await rm(join(dir, DATA_TMP), { force: true });
    await symlink(version, join(dir, DATA_TMP));
    await rename(join(dir, DATA_TMP), join(dir, DATA));
  }
  const visible = topLevel(clean.keys());
  for (const top of visible) {
    try {
      await lstat(join(dir, top));
    } catch (e) {
      if (!isMissing(e)) throw e;
      await symlink(posix.join(DATA, top), join(dir, top));
    }
  }
  if (changed) {
    for (const top of topLevel(old?.keys() ?? [])) if (!visible.has(top)) await rm(join(dir, top), { force: true });
    // The old version, and any a crash left behind: every `..<timestamp>` but the live one.
    const live = await readlink(join(dir, DATA));
    for (const name of await readdir(dir)) {
      if (name.startsWith('..') && name !== DATA && name !== live) await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  return changed;
}
