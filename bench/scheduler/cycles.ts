// The scheduler's own ceiling: scheduling cycles (PreFilter → Filter → Score → select, then assume)
// run back to back on the cache, with no API server, watch or binding. What is left of the
// end-to-end figure is the API round trips (create, bind, watch) on a 2-core machine.
import type { KubeObject } from '../../src/machinery/object.js';
import { buildPodInfo, defaultPlugins, defaultScoreWeights, Framework, SchedulerCache } from '../../src/scheduler/index.js';

export interface CyclesResult { workload: string; nodes: number; pods: number; cyclesPerSecond: number; usPerPod: number; unschedulable: number }

export function measureCycles(workload: string, nodes: number, pods: number, node: (i: number) => KubeObject, pod: (i: number) => KubeObject): CyclesResult {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.setNode(node(i));
  const fw = new Framework({ plugins: defaultPlugins, scoreWeights: defaultScoreWeights });
  let unschedulable = 0;
  const t0 = performance.now();
  for (let i = 0; i < pods; i++) {
    const p = pod(i);
    const info = buildPodInfo({ ...p, metadata: { ...p.metadata, namespace: 'sched-1', uid: `u-${i}` } });
    const o = fw.schedule(info, cache);
    if (o.kind === 'scheduled') cache.assumePod(info, o.node);
    else unschedulable++;
  }
  const ms = performance.now() - t0;
  return { workload, nodes, pods, cyclesPerSecond: (pods / ms) * 1000, usPerPod: (ms / pods) * 1000, unschedulable };
}
