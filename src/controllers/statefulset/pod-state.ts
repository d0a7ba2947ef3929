// The pod states the StatefulSet controller waits on (stateful_set_utils.go isCreated,
// isRunningAndReady, isRunningAndAvailable, isUnavailable, ...). Readiness and availability are
// podutil's, shared with the ReplicaSet controller.
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import type { Pod } from './types.js';

/** Made by the API server (it gives every pod a phase); a pod we are about to create has none. */
export const isCreated = (p: Readonly<Pod>): boolean => Boolean(p.status?.phase);
export const isPending = (p: Readonly<Pod>): boolean => p.status?.phase === 'Pending';
export const isFailed = (p: Readonly<Pod>): boolean => p.status?.phase === 'Failed';
export const isSucceeded = (p: Readonly<Pod>): boolean => p.status?.phase === 'Succeeded';
export const isTerminating = (p: Readonly<Pod>): boolean => Boolean(p.metadata?.deletionTimestamp);

export const isRunningAndReady = (p: Readonly<Pod>): boolean => p.status?.phase === 'Running' && isPodReady(p);

export const isRunningAndAvailable = (p: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean =>
  isPodAvailable(p, minReadySeconds, nowMs);

/** Not available for minReadySeconds, or going away. */
export const isUnavailable = (p: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean =>
  !isRunningAndAvailable(p, minReadySeconds, nowMs) || isTerminating(p);
