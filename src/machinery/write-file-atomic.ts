// Writing a file so that a crash leaves the old content or the new, never a mix: the one file
// helper several parts share (the PKI, kubeconfigs, a node's credentials, CNI configuration).
// Machinery is otherwise pure; this is kept here, outside its index, so no part depends upward.
import { open, rename, unlink } from 'node:fs/promises';

/** Writes through a synced temp file and a rename, so a crash leaves the old file or the new one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // open()'s mode is filtered by the umask
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}
