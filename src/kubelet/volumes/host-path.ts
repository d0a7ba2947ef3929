// hostPath volumes: the path on the node, checked (and created for the ...OrCreate types) as
// pkg/volume/hostpath checkType does, with its messages. Checks follow symlinks, as os.Stat does.
import { constants as fsc } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import type { HostPathVolumeSource } from './types.js';

type Kind = 'dir' | 'file' | 'socket' | 'char' | 'block' | 'other' | 'missing';

async function kindOf(path: string): Promise<Kind> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    if (st.isSocket()) return 'socket';
    if (st.isCharacterDevice()) return 'char';
    if (st.isBlockDevice()) return 'block';
    return 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

const WANT: Record<string, { kind: Kind; what: string }> = {
  DirectoryOrCreate: { kind: 'dir', what: 'a directory' },
  Directory: { kind: 'dir', what: 'a directory' },
  FileOrCreate: { kind: 'file', what: 'a file' },
  File: { kind: 'file', what: 'a file' },
  Socket: { kind: 'socket', what: 'a socket file' },
  CharDevice: { kind: 'char', what: 'a character device' },
  BlockDevice: { kind: 'block', what: 'a block device' },
};

/**
 * Checks the path against the volume's type, creating a directory (0755, with parents) for
 * DirectoryOrCreate or an empty file (0644, parent must exist) for FileOrCreate. Resolves the path
 * containers mount.
 */
export async function setUpHostPath(src: HostPathVolumeSource): Promise<string> {
  const path = src.path;
  const type = src.type ?? '';
  if (type === '') return path;
  const want = WANT[type];
  if (!want) throw new Error(`${type} is an invalid volume type`);
  let kind = await kindOf(path);
  if (type === 'DirectoryOrCreate' && kind === 'missing') {
    await mkdir(path, { recursive: true, mode: 0o755 });
    kind = 'dir';
  }
  if (type === 'FileOrCreate' && kind === 'missing') {
    // O_CREAT without O_EXCL: a file made meanwhile by someone else is fine. No parent is created (as kube).
    await (await open(path, fsc.O_CREAT | fsc.O_RDONLY, 0o644)).close();
    kind = 'file';
  }
  if (kind !== want.kind) throw new Error(`hostPath type check failed: ${path} is not ${want.what}`);
  return path;
}
