// The taint manager (pkg/controller/tainteviction/taint_eviction.go): a pod on a node with
// NoExecute taints is deleted at once when it does not tolerate them all, or after the smallest
// tolerationSeconds of the tolerations that matched, counted from when the pod was first seen
// under the taint. Tolerating without tolerationSeconds means staying forever.
import type { ApiClient, EventRecorder, Lister } from '../../client/types.js';
import { R, splitKey } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { rfc3339 } from '../../machinery/object.js';
import type { Clock } from '../../machinery/clock.js';
import type { Result } from '../runtime/index.js';
import { matchingTolerations, minTolerationMs } from './tolerations.js';
import type { Node, Pod, Taint } from './types.js';

export interface TaintEvictionDeps {
  client: ApiClient;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  events: EventRecorder;
  clock: Clock;
}

export function noExecuteTaints(node: Readonly<Node> | undefined): readonly Readonly<Taint>[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export class TaintEviction {
  /** Pods with an eviction scheduled: key → when the countdown started (our clock). */
  readonly #started = new Map<string, number>();

  constructor(private readonly d: TaintEvictionDeps) {}

  /** Whether a change of this pod may matter: it sits under NoExecute taints, or had an eviction scheduled. */
  interested(pod: Readonly<Pod>, key: string): boolean {
    if (this.#started.has(key)) return true;
    const nodeName = pod.spec?.nodeName;
    return !!nodeName && noExecuteTaints(this.d.nodes.get(nodeName)).length > 0;
  }

  forget(key: string): void { this.#started.delete(key); }

  async reconcile(key: string): Promise<Result | void> {
    const pod = this.d.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp) { this.#started.delete(key); return; }
    const taints = noExecuteTaints(this.d.nodes.get(nodeName));
    const now = this.d.clock.now();
    if (taints.length === 0) { this.#cancel(pod, key); return; }
    const used = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (used) {
      const ms = minTolerationMs(used);
      if (ms === Infinity) { this.#cancel(pod, key); return; }
      const start = this.#started.get(key) ?? now;
      this.#started.set(key, start);
      if (start + ms > now) return { requeueAfterMs: start + ms - now };
    }
    await this.#evict(pod, key);
  }

  #cancel(pod: Readonly<Pod>, key: string): void {
    if (!this.#started.delete(key)) return;
    this.d.events.record(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  async #evict(pod: Readonly<Pod>, key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const uid = pod.metadata?.uid;
    this.d.events.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      // As kube (PodDisruptionConditions): say why before deleting.
      await this.d.client.patch(R.pods, namespace, name, {
        metadata: { uid },
        status: { conditions: [{
          type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(this.d.clock.now()),
        }] },
      }, 'strategic', { subresource: 'status' });
      await this.d.client.delete(R.pods, namespace, name, uid ? { preconditions: { uid } } : {});
    } catch (e) {
      if (!(isStatusError(e) && e.code === 404)) throw e;
    }
    this.#started.delete(key);
  }
}
