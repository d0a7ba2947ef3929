// Test helper: a real API server with the ReplicaSet and Deployment controllers, a stand-in for
// kubelets that marks pods ready, and the reads the Deployment tests share.
import { startTestCluster, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import { replicaSetControllerWith, isPodActive, type Pod, type ReplicaSet } from '../replicaset/index.js';
import { startPodReadier, type PodReadier, type PodReadierOptions } from '../replicaset/test-pods.js';
import { deploymentControllerWith, REVISION, type Deployment } from './index.js';

export const NS = 'default';

export interface DeploymentTestEnv {
  c: TestCluster;
  h: ControllerHarness;
  readier: PodReadier;
  getD(name: string): Promise<Deployment>;
  /** ReplicaSets labelled app=`app`. */
  rsOf(app: string): Promise<ReplicaSet[]>;
  /** The same, by their revision annotation. */
  rsByRevision(app: string): Promise<Record<string, ReplicaSet>>;
  activePods(app: string): Promise<Pod[]>;
  events(name: string): Promise<{ type: string; reason: string; message: string }[]>;
  /** `kubectl rollout status`, failing the test if it does. */
  rolledOut(name: string): Promise<{ stdout: string }>;
  stop(): Promise<void>;
}

export async function startDeploymentEnv(readyOptions: PodReadierOptions): Promise<DeploymentTestEnv> {
  const c = await startTestCluster();
  const h = await startControllerHarness(c, [replicaSetControllerWith({ retryBaseMs: 10 }), deploymentControllerWith({ retryBaseMs: 10 })], { config: { minReadyCheckMs: 100 } });
  const readier = startPodReadier(h.client, NS, readyOptions);
  const rsOf = async (app: string) => (await h.client.list<ReplicaSet>(R.replicasets, NS, { labelSelector: `app=${app}` })).items;
  return {
    c, h, readier, rsOf,
    getD: (name) => h.client.get<Deployment>(R.deployments, NS, name),
    rsByRevision: async (app) => Object.fromEntries((await rsOf(app)).map((rs) => [rs.metadata?.annotations?.[REVISION] ?? '?', rs])),
    activePods: async (app) => (await h.client.list<Pod>(R.pods, NS, { labelSelector: `app=${app}` })).items.filter(isPodActive),
    events: async (name) => {
      const list = await h.client.list(R.events, NS, { fieldSelector: `involvedObject.name=${name}` });
      return list.items.map((e) => ({ type: e.type as string, reason: e.reason as string, message: e.message as string }));
    },
    rolledOut: (name) => c.kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=20s']),
    stop: async () => {
      await readier.stop();
      await h.stop();
      await c.stop();
    },
  };
}
