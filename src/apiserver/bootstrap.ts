// What exists from the first start: the system namespaces and the `kubernetes` Service
// (kube-apiserver's bootstrap controller, pkg/controlplane/controller).
import type { KubeObject } from '../machinery/object.js';
import { StatusError } from '../machinery/errors.js';
import type { RegistryDeps } from './registry/context.js';
import { createObject } from './registry/write.js';
import { objectKey } from './registry/keys.js';
import { SYSTEM_NAMESPACES } from './admission/namespace-lifecycle.js';
import { firstServiceIP, parseCidr } from './admission/service-allocation.js';

async function ensure(deps: RegistryDeps, group: string, version: string, resource: string, namespace: string, obj: KubeObject): Promise<void> {
  const def = deps.resource(group, version, resource);
  if (!def) throw new Error(`bootstrap: resource ${resource} is not registered`);
  if (await deps.store.get(objectKey(def, namespace, obj.metadata?.name ?? ''))) return;
  try {
    await createObject(deps, def, namespace, obj, { dryRun: false });
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'AlreadyExists') return;
    throw e;
  }
}

/** `securePort`: where this server listens, the Service's targetPort (kube's bootstrap controller sets it so). */
export async function bootstrap(deps: RegistryDeps, serviceCidr: string, securePort = 6443): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(deps, '', 'v1', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await ensure(deps, '', 'v1', 'services', 'default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP', clusterIP: firstServiceIP(parseCidr(serviceCidr)),
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: securePort }],
      sessionAffinity: 'None',
    },
  });
}
