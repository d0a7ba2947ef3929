// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding
// (pkg/apis/rbac/v1/defaults.go, pkg/apis/rbac/validation/validation.go). RBAC names are any
// URL path segment, not DNS names.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { arr, child, deepEqual, defineStrategy, items, nameIsPathSegment, oneOf, rec, selectorErrors, str } from './common.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function rulesErrors(rules: unknown, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [rule, i] of items(rules)) {
    const p = `rules[${i}]`;
    if (arr(rule.verbs).length === 0) errs.push(field.required(`${p}.verbs`, 'verbs must contain at least one value'));
    if (arr(rule.nonResourceURLs).length > 0) {
      if (namespaced) errs.push(field.invalid(`${p}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0) {
        errs.push(field.invalid(`${p}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      continue;
    }
    if (arr(rule.apiGroups).length === 0) errs.push(field.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (arr(rule.resources).length === 0) errs.push(field.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  }
  return errs;
}

export const roleStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsPathSegment,
  validate: (role) => rulesErrors(role.rules, true),
});

export const clusterRoleStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsPathSegment,
  validate: (role) => {
    const errs = rulesErrors(role.rules, false);
    const aggregation = rec(role.aggregationRule);
    if (aggregation) {
      const selectors = items(aggregation.clusterRoleSelectors);
      if (selectors.length === 0) errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      for (const [sel, i] of selectors) errs.push(...selectorErrors(sel, `aggregationRule.clusterRoleSelectors[${i}]`));
    }
    return errs;
  },
});

/** SetDefaults_RoleBinding / SetDefaults_Subject: RBAC's API group where it is the only valid one. */
function defaultBinding(binding: KubeObject): void {
  const roleRef = child(binding, 'roleRef');
  if (!roleRef.apiGroup) roleRef.apiGroup = RBAC_GROUP;
  for (const [subject] of items(binding.subjects)) {
    if (subject.apiGroup === undefined || subject.apiGroup === '') {
      if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
      else if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    }
  }
}

function bindingErrors(binding: KubeObject, cluster: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const roleRef = rec(binding.roleRef) ?? {};
  errs.push(...oneOf(roleRef.apiGroup, 'roleRef.apiGroup', [RBAC_GROUP]));
  errs.push(...oneOf(roleRef.kind, 'roleRef.kind', cluster ? ['ClusterRole'] : ['Role', 'ClusterRole']));
  const roleName = str(roleRef.name);
  if (!roleName) errs.push(field.required('roleRef.name', ''));
  else for (const m of nameIsPathSegment(roleName, false)) errs.push(field.invalid('roleRef.name', roleName, m));
  for (const [s, i] of items(binding.subjects)) {
    const p = `subjects[${i}]`;
    if (!str(s.name)) errs.push(field.required(`${p}.name`, ''));
    errs.push(...oneOf(s.kind, `${p}.kind`, ['ServiceAccount', 'User', 'Group']));
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) errs.push(field.notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
      if (cluster && !str(s.namespace)) errs.push(field.required(`${p}.namespace`, ''));
    } else if (s.kind === 'User' || s.kind === 'Group') {
      errs.push(...oneOf(s.apiGroup, `${p}.apiGroup`, [RBAC_GROUP]));
    }
  }
  return errs;
}

/** The role a binding grants cannot be swapped: delete and recreate instead. */
function roleRefUpdate(binding: KubeObject, old: KubeObject): FieldError[] {
  return deepEqual(binding.roleRef, old.roleRef) ? [] : [field.invalid('roleRef', binding.roleRef ?? null, 'cannot change roleRef')];
}

export const roleBindingStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsPathSegment,
  default: defaultBinding,
  validate: (b) => bindingErrors(b, false),
  validateUpdate: roleRefUpdate,
});

export const clusterRoleBindingStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsPathSegment,
  default: defaultBinding,
  validate: (b) => bindingErrors(b, true),
  validateUpdate: roleRefUpdate,
});
