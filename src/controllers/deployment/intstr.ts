// maxSurge / maxUnavailable as numbers of pods (kube's intstr.GetScaledValueFromIntOrPercent and
// deploymentutil.ResolveFenceposts / MaxSurge / MaxUnavailable): percentages of spec.replicas,
// surge rounded up, unavailability rounded down, and never both zero.
import { desiredReplicas, type Deployment, type IntOrString } from './types.js';

/** An int, or "N%" of `total` rounded up or down. Throws on anything else. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** [maxSurge, maxUnavailable] for `desired` replicas; when both resolve to 0, unavailability is 1. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  const unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) return [0, 1];
  return [surge, unavailable];
}

export function isRollingUpdate(d: Readonly<Deployment>): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function maxSurge(d: Readonly<Deployment>): number {
  if (!isRollingUpdate(d)) return 0;
  const r = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(r?.maxSurge, r?.maxUnavailable, desiredReplicas(d))[0];
}

export function maxUnavailable(d: Readonly<Deployment>): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const r = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicas)[1], replicas);
}
