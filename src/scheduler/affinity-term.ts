// Pod affinity terms made ready to match (framework.AffinityTerm, newAffinityTerm): the namespaces a
// term covers, its selectors, and a canonical key so equal terms of many pods share one index.
import { matches, selectorFromLabelSelector, selectorString, type LabelSelector, type MetaLabelSelector } from '../machinery/labels.js';
import type { PodAffinityTerm } from './api-types.js';
import type { AffinityTerm, PodInfo, PodMatcher } from './types.js';

const selectorKey = (s: LabelSelector): string => (s.nothing ? '<nothing>' : selectorString(s));

/**
 * The term's label selector with matchLabelKeys / mismatchLabelKeys merged in (key in / notin the
 * pod's own value), as kube does for pod affinity and topology spread. A null selector selects nothing.
 */
export function mergedSelector(
  ls: MetaLabelSelector | null | undefined, podLabels: Readonly<Record<string, string>>,
  matchKeys: readonly string[] | undefined, mismatchKeys: readonly string[] = [],
): LabelSelector {
  if (ls === null || ls === undefined) return selectorFromLabelSelector(ls);
  const extra: { key: string; operator: string; values: string[] }[] = [];
  for (const k of matchKeys ?? []) { const v = podLabels[k]; if (v !== undefined) extra.push({ key: k, operator: 'In', values: [v] }); }
  for (const k of mismatchKeys) { const v = podLabels[k]; if (v !== undefined) extra.push({ key: k, operator: 'NotIn', values: [v] }); }
  if (extra.length === 0) return selectorFromLabelSelector(ls);
  return selectorFromLabelSelector({ matchLabels: ls.matchLabels ?? null, matchExpressions: [...(ls.matchExpressions ?? []), ...extra] });
}

/** Throws (a StatusError from the selector parser) when a selector is invalid. */
export function parseAffinityTerm(t: Readonly<PodAffinityTerm>, podNamespace: string, podLabels: Readonly<Record<string, string>>): AffinityTerm {
  const selector = mergedSelector(t.labelSelector, podLabels, t.matchLabelKeys, t.mismatchLabelKeys);
  const nsSelector = t.namespaceSelector === null || t.namespaceSelector === undefined ? undefined : selectorFromLabelSelector(t.namespaceSelector);
  const list = t.namespaces ?? [];
  const namespaces = new Set(list.length === 0 && !nsSelector ? [podNamespace] : list);
  const matcherKey = `${[...namespaces].sort().join(',')}|${nsSelector ? selectorKey(nsSelector) : '-'}|${selectorKey(selector)}`;
  return { namespaces, nsSelector, selector, topologyKey: t.topologyKey ?? '', matcherKey };
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatches(term: AffinityTerm, pod: PodInfo, nsLabels: (ns: string) => Readonly<Record<string, string>> | undefined): boolean {
  if (!term.namespaces.has(pod.namespace)) {
    if (!term.nsSelector || !matches(term.nsSelector, nsLabels(pod.namespace) ?? {})) return false;
  }
  return matches(term.selector, pod.labels);
}

/** A matcher for pods satisfying all the terms (the incoming pod's required affinity counts such pods). */
export function allTermsMatcher(terms: readonly AffinityTerm[], nsLabels: (ns: string) => Readonly<Record<string, string>> | undefined): PodMatcher {
  const key = `affinity:${terms.map((t) => t.matcherKey).join('&')}`;
  return { key, readsNamespaceLabels: usesNamespaceSelector(terms), matches: (p) => terms.every((t) => termMatches(t, p, nsLabels)) };
}

export function termMatcher(term: AffinityTerm, nsLabels: (ns: string) => Readonly<Record<string, string>> | undefined): PodMatcher {
  return { key: `affinity:${term.matcherKey}`, readsNamespaceLabels: term.nsSelector !== undefined, matches: (p) => termMatches(term, p, nsLabels) };
}

/** Whether a matcher depends on namespace labels (it must be rebuilt when those change). */
export const usesNamespaceSelector = (terms: readonly AffinityTerm[]): boolean => terms.some((t) => t.nsSelector !== undefined);
