// Node IPAM (kube's range allocator, pkg/controller/nodeipam/ipam/range_allocator.go): every node
// gets spec.podCIDR / spec.podCIDRs, a subnet of the cluster CIDR, never one already handed out.
// The allocation map is rebuilt from the nodes' own podCIDRs once the informer has synced, before
// anything is allocated, so a restart never hands a CIDR twice.
import { R, createWorkQueue } from '../../client/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { isStatusError } from '../../machinery/errors.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext, type Result } from '../runtime/index.js';
import { CidrSet, formatCidr, parseCidr, type Ipv4Cidr } from './cidr.js';

export const DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;
/** When the range is exhausted, look again this often (a node may have been deleted meanwhile). */
const EXHAUSTED_RETRY_MS = 30_000;

interface NodeView extends KubeObject { spec?: { podCIDR?: string; podCIDRs?: readonly string[] } }

function podCidrsOf(node: Readonly<NodeView>): string[] {
  const spec = node.spec ?? {};
  if (spec.podCIDRs && spec.podCIDRs.length) return [...spec.podCIDRs];
  return spec.podCIDR ? [spec.podCIDR] : [];
}

function tryParse(text: string): Ipv4Cidr | undefined {
  try { return parseCidr(text); } catch { return undefined; }
}

export function nodeIpamController(ctx: ControllerContext): Controller {
  const name = 'nodeipam';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const clusterText = ctx.config.clusterCidr ?? DEFAULT_CLUSTER_CIDR;
      const clusterCidrs = clusterText.split(',').map((s) => s.trim()).filter(Boolean);
      if (clusterCidrs.length !== 1) throw new Error(`nodeipam: only one IPv4 cluster CIDR is supported, got "${clusterText}"`);
      const set = new CidrSet(parseCidr(clusterCidrs[0] as string), ctx.config.nodeCidrMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE);
      // Who holds which subnet (formatted CIDR → node name): release only what the deleted node held.
      const owners = new Map<string, string>();
      // Subnets this controller chose for a node whose patch has not been observed yet.
      const pending = new Map<string, Ipv4Cidr>();

      const occupy = (node: Readonly<NodeView>) => {
        const nodeName = node.metadata?.name ?? '';
        for (const text of podCidrsOf(node)) {
          const c = tryParse(text);
          if (!c || !set.contains(c)) continue; // outside our range (another family or a hand-set CIDR)
          const key = formatCidr(c);
          const owner = owners.get(key);
          if (owner && owner !== nodeName) log.warn({ node: nodeName, cidr: key, owner }, 'pod CIDR already used by another node');
          if (!owner) owners.set(key, nodeName);
          set.occupy(c);
        }
        const mine = pending.get(nodeName);
        if (mine && podCidrsOf(node).length) {
          pending.delete(nodeName);
          // Someone else set a different CIDR: ours goes back to the pool.
          if (!podCidrsOf(node).some((t) => t === formatCidr(mine))) { set.release(mine); owners.delete(formatCidr(mine)); }
        }
      };

      const release = (node: Readonly<NodeView>) => {
        const nodeName = node.metadata?.name ?? '';
        for (const text of podCidrsOf(node)) {
          const c = tryParse(text);
          if (!c || !set.contains(c)) continue;
          const key = formatCidr(c);
          if (owners.get(key) !== nodeName) continue;
          owners.delete(key);
          set.release(c);
        }
        const mine = pending.get(nodeName);
        if (mine) { pending.delete(nodeName); owners.delete(formatCidr(mine)); set.release(mine); }
      };

      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const nodes = ctx.informers.informerFor<NodeView>(R.nodes);
      nodes.on({
        add: (n) => { occupy(n); if (!podCidrsOf(n).length) queue.add(n.metadata?.name ?? ''); },
        update: (_o, n) => { occupy(n); if (!podCidrsOf(n).length) queue.add(n.metadata?.name ?? ''); },
        delete: (n) => release(n),
      });

      const reconcile = async (nodeName: string): Promise<Result | void> => {
        const node = nodes.lister.get(nodeName);
        if (!node || podCidrsOf(node).length) return;
        let cidr = pending.get(nodeName);
        if (!cidr) {
          cidr = set.allocate();
          if (!cidr) {
            ctx.events.record(node, 'Normal', 'CIDRNotAvailable', `Node ${nodeName} status is now: CIDRNotAvailable`);
            log.warn({ node: nodeName }, 'no pod CIDR left in the cluster CIDR');
            return { requeueAfterMs: EXHAUSTED_RETRY_MS };
          }
          pending.set(nodeName, cidr);
          owners.set(formatCidr(cidr), nodeName);
        }
        const text = formatCidr(cidr);
        try {
          await ctx.client.patch(R.nodes, '', nodeName, { spec: { podCIDR: text, podCIDRs: [text] } }, 'merge');
          log.debug({ node: nodeName, cidr: text }, 'allocated pod CIDR');
        } catch (e) {
          // Gone, or someone set podCIDRs first (immutable once set): give the subnet back.
          if (isStatusError(e) && (e.code === 404 || e.code === 422)) {
            if (pending.get(nodeName) === cidr) { pending.delete(nodeName); owners.delete(text); set.release(cidr); }
            return;
          }
          throw e;
        }
      };

      // Nothing is allocated before the cache holds every node (their CIDRs are occupied by then).
      if (!await waitForSync(signal, nodes)) return;
      log.debug({ allocated: set.allocated, capacity: set.capacity }, 'node IPAM ready');
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 1, reconcile, log, signal });
    },
  };
}
