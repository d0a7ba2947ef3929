// Node selectors (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): nodeSelectorTerms are
// ORed, the requirements of a term ANDed; matchExpressions test labels with In, NotIn, Exists,
// DoesNotExist, Gt, Lt; matchFields test metadata.name with In / NotIn. An invalid requirement makes
// its term match nothing, as kube's lazy-error selector does.
import { newRequirement, requirementMatches, type Operator, type Requirement } from '../machinery/labels.js';
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './api-types.js';
import type { NodeInfo } from './node-info.js';

const OPS: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

interface CompiledTerm {
  readonly labels: readonly Requirement[];
  /** metadata.name requirements. */
  readonly fields: readonly { readonly op: 'In' | 'NotIn'; readonly name: string }[];
}

/** A compiled node selector; `terms` is empty when nothing can match. */
export interface CompiledNodeSelector { readonly terms: readonly CompiledTerm[] }

function compileTerm(t: Readonly<NodeSelectorTerm>): CompiledTerm | undefined {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined; // an empty term matches no objects
  const labels: Requirement[] = [];
  for (const e of exprs) {
    const op = OPS[e.operator];
    if (!op) return undefined;
    const r = newRequirement(e.key, op, e.values ?? []);
    if (typeof r === 'string') return undefined;
    labels.push(r);
  }
  const fs: { op: 'In' | 'NotIn'; name: string }[] = [];
  for (const f of fields as readonly NodeSelectorRequirement[]) {
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn') || (f.values ?? []).length !== 1) return undefined;
    fs.push({ op: f.operator, name: (f.values as readonly string[])[0] as string });
  }
  return { labels, fields: fs };
}

export function compileNodeSelector(sel: Readonly<NodeSelector> | null | undefined): CompiledNodeSelector {
  const terms: CompiledTerm[] = [];
  for (const t of sel?.nodeSelectorTerms ?? []) {
    const c = compileTerm(t);
    if (c) terms.push(c);
  }
  return { terms };
}

export function compileTerms(terms: readonly Readonly<NodeSelectorTerm>[]): readonly (CompiledTerm | undefined)[] {
  return terms.map(compileTerm);
}

export function termMatchesNode(t: CompiledTerm, name: string, labels: Readonly<Record<string, string>>): boolean {
  for (const r of t.labels) if (!requirementMatches(r, labels)) return false;
  for (const f of t.fields) if ((f.name === name) !== (f.op === 'In')) return false;
  return true;
}

export function nodeSelectorMatches(sel: CompiledNodeSelector, name: string, labels: Readonly<Record<string, string>>): boolean {
  for (const t of sel.terms) if (termMatchesNode(t, name, labels)) return true;
  return false;
}

/**
 * The pod's hard node constraints (RequiredNodeAffinity): spec.nodeSelector and
 * requiredDuringSchedulingIgnoredDuringExecution; undefined when it has neither.
 */
export interface RequiredNodeAffinity {
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly required: CompiledNodeSelector | undefined;
}

export function requiredNodeAffinity(spec: Readonly<PodSpec> | undefined): RequiredNodeAffinity | undefined {
  const ns = spec?.nodeSelector && Object.keys(spec.nodeSelector).length > 0 ? spec.nodeSelector : undefined;
  const req = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!ns && !req) return undefined;
  return { nodeSelector: ns, required: req ? compileNodeSelector(req) : undefined };
}

export function requiredNodeAffinityMatches(a: RequiredNodeAffinity, node: NodeInfo): boolean {
  if (a.nodeSelector) for (const k in a.nodeSelector) if (node.labels[k] !== a.nodeSelector[k]) return false;
  return a.required ? nodeSelectorMatches(a.required, node.name, node.labels) : true;
}
