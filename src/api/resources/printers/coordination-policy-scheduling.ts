// Tables of three small groups: coordination.k8s.io Leases, policy PodDisruptionBudgets and
// scheduling.k8s.io PriorityClasses. Reference: printers.go (printLease, printPodDisruptionBudget, printPriorityClass).
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, num, obj, str, table } from './common.js';

export const leaseTable: TableDef = table([
  nameColumn,
  column('Holder', 'Identity of the current holder of the lease.'),
  ageColumn,
], (o, now) => [nameOf(o), str(obj(o['spec'])['holderIdentity']), ageOf(o, now)]);

/** An IntOrString as printed: "50%", "2", or "N/A" when unset. */
function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return 'N/A';
}

export const podDisruptionBudgetTable: TableDef = table([
  nameColumn,
  column('Min Available', 'The minimum number of pods that must be available.'),
  column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
  column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  return [
    nameOf(o), intOrString(spec['minAvailable']), intOrString(spec['maxUnavailable']),
    num(obj(o['status'])['disruptionsAllowed']), ageOf(o, now),
  ];
});

export const priorityClassTable: TableDef = table([
  nameColumn,
  column('Value', 'The priority value of pods of this class.', { type: 'integer' }),
  column('Global-Default', 'Whether this class is the default for pods without a class.', { type: 'boolean' }),
  ageColumn,
  column('PreemptionPolicy', 'Whether pods of this class may preempt lower-priority pods.'),
], (o, now) => [nameOf(o), num(o['value']), o['globalDefault'] === true, ageOf(o, now), str(o['preemptionPolicy'])]);
