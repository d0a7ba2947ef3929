// Write an OCI image as an `oci-archive` tar (the OCI image layout — oci-layout, index.json,
// blobs/sha256/... — in one uncompressed tar), with a single gzip layer. No Docker, no daemon:
// containerd imports it with `ctr images import`, skopeo and umoci read it.
// Spec: https://github.com/opencontainers/image-spec/blob/main/image-layout.md
//
// Output is deterministic: members are sorted, mtimes are 0, JSON is built in a fixed key order and
// the gzip header carries no time, so the same input always gives the same manifest digest.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { normaliseImageRef } from './ref.js';
import { writeTar, type TarEntry } from './tar-writer.js';

interface ImageFileBase {
  /** Path inside the image; leading "/" optional. */
  path: string;
  /** Permission bits (with setuid/setgid/sticky), e.g. 0o755 or 0o1777. */
  mode: number;
  uid?: number;
  gid?: number;
}

/** A member of the image's root file system. Missing parent directories are added (0755, root). */
export type ImageFile =
  | (ImageFileBase & { type: 'file'; content: Uint8Array | string })
  | (ImageFileBase & { type: 'file'; source: string })
  | (ImageFileBase & { type: 'dir' })
  | (ImageFileBase & { type: 'symlink'; target: string });

/** The parts of the OCI image config (`config` object) that k8ts uses. */
export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  /** "NAME=value" entries. */
  env?: string[];
  user?: string;
  workingDir?: string;
  /** e.g. "80/tcp". */
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

export interface OciArchiveInput {
  /** Image reference, e.g. `k8ts.io/pause:3.10`; normalised (docker.io/library/..., :latest) and recorded
   *  in index.json so `ctr images import` gives the image that full name. */
  ref: string;
  files: readonly ImageFile[];
  config: ImageConfig;
}

export interface OciArchiveResult {
  path: string;
  /** The normalised reference recorded in the archive. */
  ref: string;
  /** sha256:... of the image manifest: the image's identity in a registry or containerd. */
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  /** Bytes of the archive file. */
  size: number;
}

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** containerd's name annotation, read first by `ctr images import`; the OCI ref.name is the fallback. */
const CONTAINERD_IMAGE_NAME = 'io.containerd.image.name';
const OCI_REF_NAME = 'org.opencontainers.image.ref.name';

/**
 * Builds the image in memory and writes it to `path` (through a temporary name and a rename, so a
 * reader never sees half a file and concurrent writers of the same image do not collide).
 */
export async function writeOciArchive(path: string, input: OciArchiveInput): Promise<OciArchiveResult> {
  const ref = normaliseImageRef(input.ref);
  const layerTar = writeTar(await layerEntries(input.files));
  const layer = gzipSync(layerTar, { level: 9 });
  const layerDigest = sha256(layer);

  const config = Buffer.from(JSON.stringify({
    architecture: ociArchitecture(process.arch),
    os: 'linux',
    config: imageConfigJson(input.config),
    rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
    history: [{ created_by: 'k8ts writeOciArchive' }],
  }));
  const configDigest = sha256(config);

  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: config.length },
    layers: [{ mediaType: MEDIA_TYPES.layerGzip, digest: layerDigest, size: layer.length }],
  }));
  const manifestDigest = sha256(manifest);

  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [{
      mediaType: MEDIA_TYPES.manifest, digest: manifestDigest, size: manifest.length,
      annotations: { [CONTAINERD_IMAGE_NAME]: ref, [OCI_REF_NAME]: ref },
    }],
  }));

  const blobs = [layer, config, manifest]
    .map((b) => ({ digest: sha256(b), bytes: b }))
    .sort((a, b) => (a.digest < b.digest ? -1 : 1));
  const archive = writeTar([
    { type: 'dir', path: 'blobs', mode: 0o755, uid: 0, gid: 0 },
    { type: 'dir', path: 'blobs/sha256', mode: 0o755, uid: 0, gid: 0 },
    ...blobs.map((b): TarEntry => ({ type: 'file', path: `blobs/sha256/${b.digest.slice('sha256:'.length)}`, mode: 0o644, uid: 0, gid: 0, content: b.bytes })),
    { type: 'file', path: 'index.json', mode: 0o644, uid: 0, gid: 0, content: index },
    { type: 'file', path: 'oci-layout', mode: 0o644, uid: 0, gid: 0, content: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ]);

  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, archive);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return { path, ref, manifestDigest, configDigest, layerDigest, size: archive.length };
}

/** Normalises paths, adds missing parent directories, refuses duplicates, sorts parents first. */
async function layerEntries(files: readonly ImageFile[]): Promise<TarEntry[]> {
  const byPath = new Map<string, TarEntry>();
  for (const f of files) {
    const path = normalisePath(f.path);
    if (byPath.has(path)) throw new Error(`image file "${f.path}" is listed twice`);
    const owner = { path, mode: f.mode, uid: f.uid ?? 0, gid: f.gid ?? 0 };
    if (f.type === 'dir') byPath.set(path, { type: 'dir', ...owner });
    else if (f.type === 'symlink') byPath.set(path, { type: 'symlink', ...owner, target: f.target });
    else {
      const content = 'source' in f ? await readFile(f.source)
        : typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
      byPath.set(path, { type: 'file', ...owner, content });
    }
  }
  for (const path of [...byPath.keys()]) {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const parent = path.slice(0, i);
      const existing = byPath.get(parent);
      if (existing && existing.type !== 'dir') throw new Error(`image file "${parent}" is a parent of "${path}" but not a directory`);
      if (!existing) byPath.set(parent, { type: 'dir', path: parent, mode: 0o755, uid: 0, gid: 0 });
    }
  }
  // Sorting by path puts each directory before its contents ("a" < "a/b").
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function normalisePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new Error(`image file path "${p}" is not a path below /`);
  return parts.join('/');
}

function imageConfigJson(c: ImageConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.user !== undefined) out.User = c.user;
  if (c.exposedPorts?.length) out.ExposedPorts = Object.fromEntries([...c.exposedPorts].sort().map((p) => [p, {}]));
  if (c.env?.length) out.Env = [...c.env];
  if (c.entrypoint?.length) out.Entrypoint = [...c.entrypoint];
  if (c.cmd?.length) out.Cmd = [...c.cmd];
  if (c.workingDir !== undefined) out.WorkingDir = c.workingDir;
  if (c.labels && Object.keys(c.labels).length > 0) {
    out.Labels = Object.fromEntries(Object.entries(c.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return out;
}

/** Node's process.arch → the GOARCH names OCI uses. */
export function ociArchitecture(arch: string): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const name = names[arch];
  if (!name) throw new Error(`no OCI architecture name for Node's "${arch}"`);
  return name;
}

function sha256(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
