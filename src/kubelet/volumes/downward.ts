// Downward API files: pod metadata and container resources as file content
// (pkg/volume/downwardapi, pkg/api/v1/resource ExtractResourceValueByContainerName, fieldpath.FormatMap).
import { resourceValue } from '../pods/env.js';
import type { DownwardAPIVolumeFile, NodeAllocatable, Pod } from './types.js';

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/** Go's %q of a string: double-quoted, with Go's escapes for quotes, backslashes and control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = GO_ESCAPES[ch];
    if (esc) { out += esc; continue; }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Labels/annotations as downward API files show them: `key="value"` lines, sorted by key, no trailing newline. */
export function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${goQuote(m![k]!)}`).join('\n');
}

/** A fieldRef a downward API volume may use (validation allows metadata fields only). */
export function volumeFieldValue(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const one = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (one) return (one[1] === 'labels' ? meta.labels : meta.annotations)?.[one[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    default: throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** One downward API item's content. */
export function downwardItemValue(pod: Pod, item: DownwardAPIVolumeFile, allocatable: NodeAllocatable): string {
  if (item.fieldRef) return volumeFieldValue(pod, item.fieldRef.fieldPath);
  if (item.resourceFieldRef) {
    const ref = item.resourceFieldRef;
    const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
    const self = ref.containerName ? all.find((c) => c.name === ref.containerName) : pod.spec.containers[0];
    if (!self) throw new Error(`container ${ref.containerName ?? ''} not found in pod`);
    return resourceValue(pod, self, ref, allocatable);
  }
  throw new Error(`downward API item ${item.path} has neither fieldRef nor resourceFieldRef`);
}
