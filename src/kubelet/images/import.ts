// Load an image archive into containerd without a registry: `ctr images import`.
// Images for CRI must live in containerd's "k8s.io" namespace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ImportImageOptions {
  /** containerd's gRPC socket path (its `grpc.address`). */
  address: string;
  /** An oci-archive (or docker-archive) tar. */
  archive: string;
  /** containerd namespace; CRI reads "k8s.io". */
  namespace?: string;
  /** The ctr binary; "ctr" from the containerd package by default. */
  ctr?: string;
}

/** Imports (and unpacks) the archive's images under the names recorded in it. */
export async function importImageArchive(opts: ImportImageOptions): Promise<void> {
  const ctr = opts.ctr ?? 'ctr';
  const args = ['-a', opts.address, '-n', opts.namespace ?? 'k8s.io', 'images', 'import', opts.archive];
  try {
    await run(ctr, args, { timeout: 120_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (err.code === 'ENOENT') throw new Error(`importing ${opts.archive} needs "${ctr}", which was not found: install the containerd package (apt-get install -y containerd)`);
    const detail = (err.stderr || err.message).trim();
    throw new Error(`${ctr} ${args.join(' ')} failed: ${detail}`);
  }
}
