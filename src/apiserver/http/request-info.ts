// Parse an API path into the request attributes kube-apiserver derives from it
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
import { isTrue } from '../../machinery/parse-bool.js';

export type RequestVerb =
  | 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ResourceRequest {
  isResource: true;
  verb: RequestVerb;
  apiPrefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string;       // '' when cluster-wide
  resource: string;
  name: string;            // '' for collections
  subresource: string;     // '' when none
  path: string;
}

export interface NonResourceRequest { isResource: false; verb: string; path: string }

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Namespace subresources: /api/v1/namespaces/NAME/status is the namespace's status, not a resource "status". */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const verbForMethod = method.toLowerCase();
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) {
    return { isResource: false, verb: verbForMethod, path: pathname };
  }
  const apiPrefix = parts[0] as 'api' | 'apis';
  let rest: string[];
  let group = '';
  let version: string;
  if (apiPrefix === 'api') {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    if (parts.length < 4) return { isResource: false, verb: verbForMethod, path: pathname };
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') { watchPrefix = true; rest = rest.slice(1); }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1] ?? '';
    // /namespaces/NS/RESOURCE... names a namespaced resource; /namespaces/NAME[/status|finalize] the namespace itself.
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest.slice(2).join('/');
  // A namespace's own path: /api/v1/namespaces/NAME — the name is the namespace, not a namespace scope.
  if (resource === 'namespaces' && namespace !== '' && rest[1] === namespace) namespace = '';

  let verb: RequestVerb;
  switch (method) {
    case 'GET': case 'HEAD':
      if (watchPrefix || isTrue(query.get('watch'))) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default: verb = 'connect';
  }
  // Streaming subresources are "connect" in kube's authorization terms.
  if (['exec', 'attach', 'portforward', 'proxy', 'log'].includes(subresource.split('/')[0] ?? '') && method !== 'GET') verb = 'create';
  return { isResource: true, verb, apiPrefix, group, version, namespace, resource, name, subresource, path: pathname };
}

