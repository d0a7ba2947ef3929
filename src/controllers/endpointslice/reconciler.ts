// Which EndpointSlices to create, update and delete for a service (k8s.io/endpointslice
// reconciler.go), pure over its inputs. Endpoints are grouped by the ports their pod offers; per
// group, existing slices keep the endpoints still wanted (churn is minimised: an unchanged endpoint
// stays in its slice), changed slices are filled up first, then leftovers go into the unchanged
// slice that they fill best, else into new slices of at most maxEndpointsPerSlice. Slices of other
// address types, or owned by another Service object of the same name, are deleted. A service
// without endpoints keeps one empty placeholder slice.
import type { Pod, Service } from '../endpoints/index.js';
import { shouldPodBeInEndpoints } from '../endpoints/index.js';
import {
  addressTypesOf, endpointKey, endpointPorts, endpointsEqualBeyondKey, isSamePlaceholder, newSlice, ownedBy, podToEndpoint, portMapKey,
  sliceLabels, type AddressType, type EndpointSlice, type SliceEndpoint, type SlicePort,
} from './slices.js';

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Nodes named by selected pods but missing from the cache: those pods were left out; sync again later. */
  missingNodes: string[];
}

export interface PlanInput {
  service: Readonly<Service>;
  pods: readonly Readonly<Pod>[];
  existing: readonly Readonly<EndpointSlice>[];
  /** The zone label of a node, '' when it has none; undefined when the node is unknown. */
  nodeZone(nodeName: string): string | undefined;
  maxEndpointsPerSlice: number;
}

const clone = (s: Readonly<EndpointSlice>): EndpointSlice => structuredClone(s) as EndpointSlice;

interface Group { ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }

function desiredGroups(inp: PlanInput, addressType: AddressType, missingNodes: Set<string>): Map<string, Group> {
  const groups = new Map<string, Group>();
  const pods = [...inp.pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(inp.service, pod);
    const key = portMapKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    const nodeName = pod.spec?.nodeName ?? '';
    const zone = inp.nodeZone(nodeName);
    if (zone === undefined && inp.service.spec?.publishNotReadyAddresses !== true) {
      // kube skips a pod whose node it cannot find (and retries), rather than publish a half-known endpoint.
      missingNodes.add(nodeName);
      continue;
    }
    const ep = podToEndpoint(pod, inp.service, addressType, zone || undefined);
    if (ep.addresses.length) g.endpoints.set(endpointKey(ep), ep);
  }
  return groups;
}

/** reconcileByPortMapping for one port group. */
function reconcileGroup(inp: PlanInput, existing: readonly Readonly<EndpointSlice>[], desired: Group, addressType: AddressType) {
  const max = inp.maxEndpointsPerSlice;
  const byName = new Map<string, EndpointSlice | Readonly<EndpointSlice>>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  const wanted = new Map(desired.endpoints);

  // 1. Keep wanted endpoints where they are, refreshing changed ones; mark slices to update or delete.
  for (const slice of existing) {
    const sliceName = slice.metadata?.name ?? '';
    byName.set(sliceName, slice);
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = wanted.get(k);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, ep)) changed = true;
      wanted.delete(k);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice.metadata?.labels, inp.service);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) { toDelete.add(sliceName); continue; }
      const next = clone(slice);
      next.endpoints = kept;
      (next.metadata ??= {}).labels = labels;
      byName.set(sliceName, next);
      toUpdate.add(sliceName);
    } else if (labelsChanged) {
      const next = clone(slice);
      (next.metadata ??= {}).labels = labels;
      byName.set(sliceName, next);
      toUpdate.add(sliceName);
    } else {
      unchanged.add(sliceName);
    }
  }

  const pending = [...wanted.values()];
  // 2. Fill the slices being updated anyway, fullest first.
  if (pending.length && toUpdate.size) {
    const slices = [...toUpdate].map((n) => byName.get(n) as EndpointSlice).sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
    for (const s of slices) {
      const eps = (s.endpoints ??= []);
      while (pending.length && eps.length < max) eps.push(pending.shift() as SliceEndpoint);
    }
  }
  // 3. Leftovers: into the unchanged slice they fill best, else new slices.
  const create: EndpointSlice[] = [];
  while (pending.length) {
    let target: EndpointSlice | undefined;
    if (pending.length < max && unchanged.size) {
      let best: Readonly<EndpointSlice> | undefined;
      let bestDiff = max;
      for (const n of unchanged) {
        const s = byName.get(n) as Readonly<EndpointSlice>;
        const diff = max - (pending.length + (s.endpoints ?? []).length);
        if (diff >= 0 && diff < bestDiff) { bestDiff = diff; best = s; }
      }
      if (best) {
        target = clone(best);
        const n = target.metadata?.name ?? '';
        byName.set(n, target);
        unchanged.delete(n);
        toUpdate.add(n);
      }
    }
    if (!target) {
      target = newSlice(inp.service, desired.ports, addressType);
      create.push(target);
    }
    const eps = (target.endpoints ??= []);
    while (pending.length && eps.length < max) eps.push(pending.shift() as SliceEndpoint);
  }
  return {
    create,
    update: [...toUpdate].map((n) => byName.get(n) as EndpointSlice),
    delete: [...toDelete].map((n) => byName.get(n) as EndpointSlice),
  };
}

function reconcileAddressType(inp: PlanInput, existing: readonly Readonly<EndpointSlice>[], addressType: AddressType, missingNodes: Set<string>) {
  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  const del: Readonly<EndpointSlice>[] = [];
  const existingByPorts = new Map<string, Readonly<EndpointSlice>[]>();
  for (const s of existing) {
    if (!ownedBy(s, inp.service)) { del.push(s); continue; }
    const k = portMapKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const desired = desiredGroups(inp, addressType, missingNodes);
  for (const [k, group] of desired) {
    const r = reconcileGroup(inp, existingByPorts.get(k) ?? [], group, addressType);
    create.push(...r.create);
    update.push(...r.update);
    del.push(...r.delete);
  }
  for (const [k, slices] of existingByPorts) if (!desired.has(k)) del.push(...slices);

  // No slice would be left: keep (or make) one empty placeholder.
  if (existing.length === del.length && create.length === 0) {
    const placeholder = newSlice(inp.service, [], addressType);
    if (del.length === 1 && isSamePlaceholder(del[0] as Readonly<EndpointSlice>, placeholder)) del.length = 0;
    else create.push(placeholder);
  }
  return { create, update, delete: del };
}

/** The plan for one service. `existing` are the slices labelled with its name and managed by this controller. */
export function planSlices(inp: PlanInput): SlicePlan {
  const types = addressTypesOf(inp.service);
  const missingNodes = new Set<string>();
  const plan: SlicePlan = { create: [], update: [], delete: [], missingNodes: [] };
  const byType = new Map<string, Readonly<EndpointSlice>[]>();
  for (const s of inp.existing) {
    if (!types.has(s.addressType as AddressType)) { plan.delete.push(clone(s)); continue; }
    byType.set(s.addressType, [...(byType.get(s.addressType) ?? []), s]);
  }
  for (const t of types) {
    const r = reconcileAddressType(inp, byType.get(t) ?? [], t, missingNodes);
    plan.create.push(...r.create);
    plan.update.push(...r.update);
    plan.delete.push(...r.delete.map(clone));
  }
  // finalize(): turn creates into updates of slices that would be deleted (same type, same owner), reusing names.
  for (let i = 0; i < plan.delete.length && plan.create.length;) {
    const victim = plan.delete[i] as EndpointSlice;
    const fresh = plan.create[plan.create.length - 1] as EndpointSlice;
    if (victim.addressType === fresh.addressType && ownedBy(victim, inp.service)) {
      const reused: EndpointSlice = { ...fresh, metadata: { ...victim.metadata, labels: fresh.metadata?.labels ?? {}, ownerReferences: fresh.metadata?.ownerReferences ?? [] } };
      plan.create.pop();
      plan.update.push(reused);
      plan.delete.splice(i, 1);
    } else {
      i++;
    }
  }
  plan.missingNodes = [...missingNodes];
  return plan;
}
