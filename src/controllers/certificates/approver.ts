// csrapproving (pkg/controller/certificates/approver/sarapprove.go): approves the CSRs a kubelet
// makes for itself, and leaves every other CSR pending for a person (`kubectl certificate approve`).
// - kube-apiserver-client-kubelet: a well-formed kubelet client request from a bootstrap-token
//   user or a cluster admin (kube asks RBAC whether the requester may create
//   certificatesigningrequests/nodeclient; k8ts has no RBAC yet, so the group decides), or from
//   the node it names, renewing (selfnodeclient).
// - kubelet-serving: kube leaves these to an external approver, k3s signs them itself. k8ts
//   approves a request from system:node:<name> whose DNS names are its own name (or host names its
//   Node reports). IPs are not checked against the Node: a node writes its own addresses (there is
//   no NodeRestriction admission yet), so that check would add nothing and would block a node that
//   rejoins with a new IP before it can report it.
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { BOOTSTRAPPERS_GROUP } from '../../machinery/bootstrap-token.js';
import { csrHasCondition } from '../../api/strategies/index.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext } from '../runtime/index.js';
import {
  KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODES_GROUP, kubeletClientProblem, kubeletServingProblem, nodeNameOf,
  requestOf, type CertificateSigningRequest,
} from './requests.js';

const MASTERS_GROUP = 'system:masters';

interface NodeAddress { type?: string; address?: string }
export interface NodeView extends KubeObject { status?: { addresses?: NodeAddress[] } }

export interface Approval { reason: string; message: string }

/** Whether the approver approves this CSR, and with which reason; undefined: leave it pending. */
export function autoApproval(csr: Readonly<CertificateSigningRequest>, node: Readonly<NodeView> | undefined): Approval | undefined {
  if (csrHasCondition(csr, 'Approved') || csrHasCondition(csr, 'Denied')) return undefined;
  const req = requestOf(csr);
  if (!req) return undefined;
  const spec = csr.spec ?? {};
  const usages = spec.usages ?? [];
  const groups = spec.groups ?? [];
  if (spec.signerName === KUBELET_CLIENT_SIGNER) {
    if (kubeletClientProblem(req, usages) !== undefined) return undefined;
    if (spec.username === req.commonName) {
      return { reason: 'AutoApproved', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' };
    }
    if (groups.includes(BOOTSTRAPPERS_GROUP) || groups.includes(MASTERS_GROUP)) {
      return { reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' };
    }
    return undefined;
  }
  if (spec.signerName === KUBELET_SERVING_SIGNER) {
    if (kubeletServingProblem(req, usages) !== undefined) return undefined;
    const nodeName = nodeNameOf(req);
    if (!nodeName || spec.username !== req.commonName || !groups.includes(NODES_GROUP)) return undefined;
    const addresses = node?.status?.addresses ?? [];
    const dnsAllowed = new Set([nodeName, ...addresses.filter((a) => a.type === 'Hostname' || a.type?.endsWith('DNS')).map((a) => a.address ?? '')]);
    if (!req.dnsNames.every((d) => dnsAllowed.has(d))) return undefined;
    return { reason: 'AutoApproved', message: `Auto approving kubelet serving certificate for node ${nodeName}: its own name and addresses.` };
  }
  return undefined;
}

export function csrApprovingController(ctx: ControllerContext): Controller {
  const name = 'csrapproving';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const csrs = ctx.informers.informerFor<CertificateSigningRequest>(R.certificatesigningrequests);
      const nodes = ctx.informers.informerFor<NodeView>(R.nodes);
      const enqueue = (c: Readonly<CertificateSigningRequest>) => queue.add(c.metadata?.name ?? '');
      csrs.on({ add: enqueue, update: (_o, c) => enqueue(c) });

      const reconcile = async (key: string): Promise<void> => {
        const csr = csrs.lister.get(key);
        if (!csr) return;
        const req = csr.spec?.signerName === KUBELET_SERVING_SIGNER ? requestOf(csr) : undefined;
        const nodeName = req ? nodeNameOf(req) : undefined;
        const approval = autoApproval(csr, nodeName ? nodes.lister.get(nodeName) : undefined);
        if (!approval) return;
        const next = structuredClone(csr) as CertificateSigningRequest;
        const status = (next.status ??= {});
        status.conditions = [...(status.conditions ?? []), { type: 'Approved', status: 'True', ...approval }];
        try {
          await ctx.client.update(R.certificatesigningrequests, '', next, { subresource: 'approval' });
          log.info({ csr: key, signer: csr.spec?.signerName, requestor: csr.spec?.username }, 'approved');
        } catch (e) {
          if (isStatusError(e) && e.code === 404) return; // deleted meanwhile
          throw e; // a conflict retries on the fresh object
        }
      };

      if (!await waitForSync(signal, csrs, nodes)) return;
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 1, reconcile, log, signal });
    },
  };
}
