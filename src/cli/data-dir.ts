import { homedir } from 'node:os';
import { join } from 'node:path';

/** /var/lib/k8ts as root, ~/.k8ts otherwise (as k3s uses /var/lib/rancher/k3s and ~/.rancher/k3s). */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

export const kubeconfigPath = (dataDir: string): string => join(dataDir, 'kubeconfig.yaml');
