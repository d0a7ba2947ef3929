// Response content negotiation: JSON (or YAML) objects, Table and PartialObjectMetadata views
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io). Protobuf is not offered.
import { notAcceptable } from '../../machinery/errors.js';

export type View = 'object' | 'table' | 'metadata';

export interface Negotiated {
  view: View;
  yaml: boolean;
}

interface MediaRange { type: string; params: Map<string, string> }

function parseAccept(accept: string): MediaRange[] {
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const map = new Map<string, string>();
    for (const p of params) {
      const i = p.indexOf('=');
      if (i > 0) map.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
    }
    return { type: (type ?? '').toLowerCase(), params: map };
  }).filter((m) => m.type !== '');
}

/** Pick the first acceptable representation in the client's order, as kube's negotiation does. */
export function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return { view: 'object', yaml: false };
  const ranges = parseAccept(accept);
  for (const r of ranges) {
    const jsonish = r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*';
    const yaml = r.type === 'application/yaml';
    if (!jsonish && !yaml) continue;
    const as = r.params.get('as');
    if (!as) return { view: 'object', yaml };
    const g = r.params.get('g');
    const v = r.params.get('v');
    if (g !== undefined && g !== 'meta.k8s.io') continue;
    if (v !== undefined && v !== 'v1' && v !== 'v1beta1') continue;
    if (as === 'Table') return { view: 'table', yaml };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { view: 'metadata', yaml };
  }
  throw notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io`);
}
