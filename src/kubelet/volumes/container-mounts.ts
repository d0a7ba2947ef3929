// A container's volumeMounts → CRI mounts (kubelet_pods.go makeMounts + kuberuntime makeMounts):
// volume path, subPath / subPathExpr inside it, read-only, propagation. Errors are the container's
// CreateContainerConfigError with kube's texts; details that reveal host paths go to the log only.
//
// kubelet pins a subPath with a bind mount under volume-subpaths/ so a symlink swapped in later
// cannot redirect it; here the path is resolved (symlinks followed), checked to stay inside the
// volume, and handed to the runtime resolved, which leaves only the short window until the runtime mounts it.
import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { expand } from '../pods/env.js';
import { configError } from './errors.js';
import type { Container, CriMount, MountedVolume, Pod } from './types.js';

const PROPAGATION: Record<string, NonNullable<CriMount['propagation']>> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** A map that notes which names were asked for and had no (or an empty) value. */
class RecordingVars extends Map<string, string> {
  readonly missing = new Set<string>();
  override get(key: string): string | undefined {
    const v = super.get(key);
    if (!v) this.missing.add(key);
    return v;
  }
}

/** subPathExpr with $(VAR) from the container's environment; any unset or empty variable fails (ExpandContainerVolumeMounts). */
export function expandSubPathExpr(expr: string, env: Readonly<Record<string, string>>): string {
  const vars = new RecordingVars(Object.entries(env));
  const out = expand(expr, vars);
  if (vars.missing.size) throw configError(`missing value for ${[...vars.missing].sort().join(', ')}`);
  return out;
}

const within = (root: string, p: string): boolean => p === root || p.startsWith(`${root}/`);

/** Creates missing components of `sub` under `root` with `perm`, never following a link out of `root`. */
function safeMakeDir(root: string, sub: string, perm: number): void {
  let cur = root;
  for (const comp of sub.split('/')) {
    if (comp === '' || comp === '.') continue;
    const next = join(cur, comp);
    let st;
    try {
      st = lstatSync(next);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(next, { mode: perm });
      chmodSync(next, perm); // mkdir's mode is filtered by the umask
      cur = next;
      continue;
    }
    cur = st.isSymbolicLink() ? realpathSync(next) : next;
    if (!within(root, cur)) throw new Error(`path ${next} is outside of allowed base ${root}`);
  }
}

function subPathHostPath(volPath: string, sub: string, mountName: string, c: Container, log: Logger): string {
  if (sub.startsWith('/')) throw configError(`error SubPath \`${sub}\` must not be an absolute path`);
  if (sub.split('/').includes('..')) throw configError(`unable to provision SubPath \`${sub}\`: must not contain '..'`);
  let root = volPath;
  try {
    root = realpathSync(volPath);
    safeMakeDir(root, sub, statSync(root).mode & 0o7777);
  } catch (e) {
    log.error({ err: e, container: c.name, volumeMount: mountName }, 'failed to create subPath directory for volumeMount of the container');
    throw configError(`failed to create subPath directory for volumeMount "${mountName}" of container "${c.name}"`);
  }
  let resolved: string;
  try {
    resolved = realpathSync(join(root, sub));
    if (!within(root, resolved)) throw new Error(`subpath ${resolved} not within volume path ${root}`);
  } catch (e) {
    log.error({ err: e, container: c.name, volumeMount: mountName }, 'failed to prepare subPath for volumeMount of the container');
    throw configError(`failed to prepare subPath for volumeMount "${mountName}" of container "${c.name}"`);
  }
  return resolved;
}

function propagation(mode: string | undefined, c: Container): NonNullable<CriMount['propagation']> {
  if (mode === undefined || mode === '') return 'PROPAGATION_PRIVATE';
  const p = PROPAGATION[mode];
  if (!p) throw configError(`invalid MountPropagation mode: "${mode}"`);
  if (p === 'PROPAGATION_BIDIRECTIONAL' && c.securityContext?.privileged !== true) {
    throw configError('Bidirectional mount propagation is available only to privileged containers');
  }
  return p;
}

/** The CRI mounts for one container; `volumes` is what setUp resolved, `env` the container's resolved environment. */
export function containerMounts(_pod: Pod, c: Container, volumes: ReadonlyMap<string, MountedVolume>, env: Readonly<Record<string, string>>, log: Logger): CriMount[] {
  const out: CriMount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const vol = volumes.get(m.name);
    if (!vol) throw configError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    const sub = m.subPathExpr ? expandSubPathExpr(m.subPathExpr, env) : m.subPath ?? '';
    const hostPath = sub ? subPathHostPath(vol.hostPath, sub, m.name, c, log) : vol.hostPath;
    out.push({
      container_path: m.mountPath,
      host_path: hostPath,
      readonly: m.readOnly === true || vol.readOnly,
      propagation: propagation(m.mountPropagation, c),
    });
  }
  return out;
}
