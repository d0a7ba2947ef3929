// The disruption controller: PodDisruptionBudget status, which evictions (kubectl drain) consult.
export { disruptionController } from './controller.js';
export {
  scaledValue, standingDisruptions, countHealthy, nextStatus, failSafeStatus, DELETION_TIMEOUT_MS,
  CONDITION_DISRUPTION_ALLOWED, REASON_SUFFICIENT_PODS, REASON_INSUFFICIENT_PODS, REASON_SYNC_FAILED,
  type PodDisruptionBudget, type PdbStatus,
} from './budget.js';
