// Tables of volumes: core/v1 PersistentVolumes and claims, and storage.k8s.io/v1 kinds.
// Reference: kubernetes pkg/printers/internalversion/printers.go (printPersistentVolume, printStorageClass, ...).
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, obj, quantity, str, table } from './common.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** "RWO,ROX,RWX,RWOP" in that fixed order, duplicates dropped (GetAccessModesAsString). */
export function accessModes(modes: unknown): string {
  const set = new Set(arr(modes).map(str));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** The beta annotation wins over spec.storageClassName, as GetPersistentVolume(Claim)Class. */
function storageClassOf(o: KubeObject): string {
  const beta = o.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return beta !== undefined ? beta : str(obj(o['spec'])['storageClassName']);
}

function optString(v: unknown): string {
  return typeof v === 'string' ? v : '<unset>';
}

export const persistentVolumeTable: TableDef = table([
  nameColumn,
  column('Capacity', 'Capacity of the volume.'),
  column('Access Modes', 'Ways the volume can be mounted.'),
  column('Reclaim Policy', 'What happens to the volume when released from its claim.'),
  column('Status', 'Phase of the volume.'),
  column('Claim', 'The claim bound to this volume.'),
  column('StorageClass', 'StorageClass of the pv'),
  column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
  column('Reason', 'Human-readable reason of a failure, if any.'),
  ageColumn,
  column('VolumeMode', 'Whether the volume is a formatted filesystem or a raw block device.', { priority: 1 }),
], (o, now) => {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const claimRef = spec['claimRef'] != null ? `${str(obj(spec['claimRef'])['namespace'])}/${str(obj(spec['claimRef'])['name'])}` : '';
  const phase = o.metadata?.deletionTimestamp != null ? 'Terminating' : str(status['phase']);
  return [
    nameOf(o), quantity(obj(spec['capacity'])['storage']), accessModes(spec['accessModes']),
    str(spec['persistentVolumeReclaimPolicy']), phase, claimRef, storageClassOf(o),
    optString(spec['volumeAttributesClassName']), str(status['reason']), ageOf(o, now), optString(spec['volumeMode']),
  ];
});

export const persistentVolumeClaimTable: TableDef = table([
  nameColumn,
  column('Status', 'Phase of the claim.'),
  column('Volume', 'The volume bound to this claim.'),
  column('Capacity', 'Actual capacity of the bound volume.'),
  column('Access Modes', 'Access modes of the bound volume.'),
  column('StorageClass', 'StorageClass of the pvc'),
  column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
  ageColumn,
  column('VolumeMode', 'Whether the claim asks for a filesystem or a raw block device.', { priority: 1 }),
], (o, now) => {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const phase = o.metadata?.deletionTimestamp != null ? 'Terminating' : str(status['phase']);
  const volumeName = str(spec['volumeName']);
  // Capacity and access modes are shown only once the claim is bound to a volume.
  const capacity = volumeName ? quantity(obj(status['capacity'])['storage']) : '';
  const modes = volumeName ? accessModes(status['accessModes']) : '';
  return [
    nameOf(o), phase, volumeName, capacity, modes, storageClassOf(o), optString(spec['volumeAttributesClassName']),
    ageOf(o, now), optString(spec['volumeMode']),
  ];
});

export const storageClassTable: TableDef = table([
  nameColumn,
  column('Provisioner', 'The provisioner that creates volumes of this class.'),
  column('ReclaimPolicy', 'Reclaim policy of dynamically provisioned volumes.'),
  column('VolumeBindingMode', 'When volumes are provisioned and bound.'),
  column('AllowVolumeExpansion', 'Whether volumes of this class can be expanded.'),
  ageColumn,
], (o, now) => {
  const annotations = o.metadata?.annotations ?? {};
  const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
  return [
    isDefault ? `${nameOf(o)} (default)` : nameOf(o), str(o['provisioner']), str(o['reclaimPolicy']) || 'Delete',
    str(o['volumeBindingMode']) || 'Immediate', o['allowVolumeExpansion'] === true, ageOf(o, now),
  ];
});

export const csiDriverTable: TableDef = table([
  nameColumn,
  column('AttachRequired', 'Whether the driver needs an attach operation.', { type: 'boolean' }),
  column('PodInfoOnMount', 'Whether the driver wants pod information on mount.', { type: 'boolean' }),
  column('StorageCapacity', 'Whether the driver reports storage capacity.', { type: 'boolean' }),
  column('TokenRequests', 'Audiences of service account tokens passed to the driver.'),
  column('RequiresRepublish', 'Whether NodePublishVolume is called periodically.', { type: 'boolean' }),
  column('Modes', 'Volume lifecycle modes the driver supports.'),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  const modes = arr(spec['volumeLifecycleModes']).map(str).join(',');
  const tokenRequests = spec['tokenRequests'] != null ? arr(spec['tokenRequests']).map((t) => str(obj(t)['audience'])).join(',') : '<unset>';
  return [
    nameOf(o), spec['attachRequired'] !== false, spec['podInfoOnMount'] === true, spec['storageCapacity'] === true,
    tokenRequests, spec['requiresRepublish'] === true, modes || '<none>', ageOf(o, now),
  ];
});

export const csiNodeTable: TableDef = table([
  nameColumn,
  column('Drivers', 'Drivers indicates the number of CSI drivers registered on the node', { type: 'integer' }),
  ageColumn,
], (o, now) => [nameOf(o), arr(obj(o['spec'])['drivers']).length, ageOf(o, now)]);

export const csiStorageCapacityTable: TableDef = table([
  nameColumn,
  column('StorageClassName', 'The storage class this capacity applies to.'),
  column('Capacity', 'Available capacity.'),
], (o) => [nameOf(o), str(o['storageClassName']), o['capacity'] != null ? quantity(o['capacity']) : '<unset>']);

export const volumeAttachmentTable: TableDef = table([
  nameColumn,
  { ...column('Attacher', 'Name of the volume driver that handles the attachment.'), format: 'name' },
  column('PV', 'Name of the persistent volume to attach.'),
  column('Node', 'The node the volume is attached to.'),
  column('Attached', 'Whether the attach operation succeeded.', { type: 'boolean' }),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  return [
    nameOf(o), str(spec['attacher']), str(obj(spec['source'])['persistentVolumeName']), str(spec['nodeName']),
    obj(o['status'])['attached'] === true, ageOf(o, now),
  ];
});
