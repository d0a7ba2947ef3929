// NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): objects are created only in a
// namespace that exists and is not terminating; the system namespaces cannot be deleted.
import { forbidden, notFound, StatusError } from '../../machinery/errors.js';
import type { AdmissionPlugin, RegistryDeps } from '../registry/context.js';
import { getObject } from '../registry/read.js';
import { objectKey } from '../registry/keys.js';
import { decodeFromStorage } from '../registry/codec.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
const UNDELETABLE = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(deps: () => RegistryDeps): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async admit(req) {
      const { def } = req;
      if (def.group === '' && def.resource === 'namespaces') {
        if (req.operation === 'DELETE' && UNDELETABLE.has(req.name)) {
          throw forbidden({ group: '', resource: 'namespaces' }, req.name, 'this namespace may not be deleted');
        }
        return;
      }
      if (!def.namespaced || req.operation !== 'CREATE') return;
      const nsDef = deps().resource('', 'v1', 'namespaces');
      if (!nsDef) return;
      // As kube's plugin: the namespace from the cache (an informer there), the store only when the
      // cache does not have it (a namespace created a moment ago).
      const cached = deps().peek?.(objectKey(nsDef, '', req.namespace));
      let ns;
      if (cached) ns = decodeFromStorage(nsDef, cached);
      else {
        try {
          ns = await getObject(deps(), nsDef, '', req.namespace);
        } catch (e) {
          if (e instanceof StatusError && e.code === 404) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
          throw e;
        }
      }
      if (ns.metadata?.deletionTimestamp) {
        throw forbidden({ group: def.group, resource: def.resource }, req.name,
          `unable to create new content in namespace ${req.namespace} because it is being terminated`);
      }
    },
  };
}
