// Pod cgroups on cgroupfs (v1 hierarchies, or the v2 unified tree): the runtime creates them
// under the parent the kubelet names and leaves the directories behind after RemovePodSandbox.
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

async function removeTree(dir: string): Promise<void> {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) if (e.isDirectory()) await removeTree(join(dir, e.name));
  await rmdir(dir).catch(() => undefined); // busy (a process still in it) or gone: leave it
}

/** Removes `path` (e.g. /k8ts-pods/pod<uid>) and the cgroups below it, in every hierarchy. */
export async function removeCgroup(path: string): Promise<void> {
  let hierarchies: string[];
  try { hierarchies = await readdir(ROOT); } catch { return; }
  await Promise.all(hierarchies.map((h) => removeTree(join(ROOT, h, path))));
  await removeTree(join(ROOT, path)); // cgroup v2: no per-controller directories
}
