// The default profile's plugins, in kube-scheduler's order (pkg/scheduler/apis/config/v1/default_plugins.go):
// filters run in this order and a node's first failing filter is its reason; scores are weighted.
import type { Plugin } from '../types.js';
import * as nodeUnschedulable from './node-unschedulable.js';
import * as nodeName from './node-name.js';
import * as taintToleration from './taint-toleration.js';
import * as nodeAffinity from './node-affinity.js';
import * as nodePorts from './node-ports.js';
import * as nodeResourcesFit from './node-resources-fit.js';
import * as podTopologySpread from './pod-topology-spread.js';
import * as interPodAffinity from './inter-pod-affinity.js';
import * as balancedAllocation from './node-resources-balanced-allocation.js';

export const defaultPlugins: readonly Plugin[] = Object.freeze([
  nodeUnschedulable.plugin,
  nodeName.plugin,
  taintToleration.plugin,
  nodeAffinity.plugin,
  nodePorts.plugin,
  nodeResourcesFit.plugin,
  podTopologySpread.plugin,
  interPodAffinity.plugin,
  balancedAllocation.plugin,
]);

/** Score weights of the default profile. */
export const defaultScoreWeights: Readonly<Record<string, number>> = Object.freeze({
  [taintToleration.name]: 3,
  [nodeAffinity.name]: 2,
  [nodeResourcesFit.name]: 1,
  [podTopologySpread.name]: 2,
  [interPodAffinity.name]: 2,
  [balancedAllocation.name]: 1,
});
