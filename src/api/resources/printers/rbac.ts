// Tables of rbac.authorization.k8s.io/v1 bindings. Roles and ClusterRoles have no printer in kube:
// they use the default table (Name, Created At). Reference: printers.go printRoleBinding.
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, obj, str, table } from './common.js';

/** Users, groups and service accounts ("ns/name") of a binding's subjects (rbac.SubjectsStrings). */
function subjects(o: Record<string, unknown>): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(o['subjects']).map((x) => obj(x))) {
    switch (s['kind']) {
      case 'User': users.push(str(s['name'])); break;
      case 'Group': groups.push(str(s['name'])); break;
      case 'ServiceAccount': sas.push(`${str(s['namespace'])}/${str(s['name'])}`); break;
      default: break;
    }
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingTable(what: string): TableDef {
  return table([
    nameColumn,
    column('Role', 'The role this binding grants: Kind/name.'),
    ageColumn,
    column('Users', `Users in the ${what}`, { priority: 1 }),
    column('Groups', `Groups in the ${what}`, { priority: 1 }),
    column('ServiceAccounts', `ServiceAccounts in the ${what}`, { priority: 1 }),
  ], (o, now) => {
    const ref = obj(o['roleRef']);
    return [nameOf(o), `${str(ref['kind'])}/${str(ref['name'])}`, ageOf(o, now), ...subjects(o)];
  });
}

export const roleBindingTable: TableDef = bindingTable('roleBinding');
export const clusterRoleBindingTable: TableDef = bindingTable('clusterRoleBinding');
