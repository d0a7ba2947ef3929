// PersistentVolumeClaim and PersistentVolume (pkg/apis/core/v1/defaults.go,
// pkg/apis/core/validation ValidatePersistentVolume(Claim)(Update), pkg/registry/core/persistentvolume*).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import { arr, child, deepEqual, defineStrategy, keepStatus, oneOf, rec, setDefault, str } from './common.js';
import { quantityValue, resourceListErrors } from './resources.js';

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function accessModesErrors(v: unknown, path: string): FieldError[] {
  const modes = arr(v);
  if (modes.length === 0) return [field.required(path, 'at least 1 access mode is required')];
  const errs = modes.flatMap((m) => (typeof m === 'string' && ACCESS_MODES.includes(m) ? [] : [field.notSupported(path, m, ACCESS_MODES)]));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

// ---- PersistentVolumeClaim ----

function validateClaim(pvc: KubeObject): FieldError[] {
  const spec = rec(pvc.spec);
  if (!spec) return [field.required('spec', '')];
  const errs = accessModesErrors(spec.accessModes, 'spec.accessModes');
  const requests = rec(rec(spec.resources)?.requests);
  const storage = requests?.storage;
  if (storage === undefined) errs.push(field.required('spec.resources[storage]', ''));
  else {
    errs.push(...resourceListErrors(requests, 'spec.resources.requests'));
    const v = quantityValue(storage);
    if (v !== undefined && v <= 0) errs.push(field.invalid('spec.resources[storage]', storage, 'must be greater than zero'));
  }
  if (spec.volumeMode !== undefined) errs.push(...oneOf(spec.volumeMode, 'spec.volumeMode', VOLUME_MODES));
  return errs;
}

/** After creation only the storage request (growing), a first volumeName and the attributes class may change. */
function validateClaimUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(pvc.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs: FieldError[] = [];
  const munged: Obj = structuredClone(spec);
  munged.resources = oldSpec.resources;
  munged.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (!oldSpec.volumeName) munged.volumeName = oldSpec.volumeName;
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!deepEqual(munged, oldSpec)) {
    errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const now = quantityValue(rec(rec(spec.resources)?.requests)?.storage);
  const before = quantityValue(rec(rec(oldSpec.resources)?.requests)?.storage);
  if (now !== undefined && before !== undefined && now < before) {
    errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

export const persistentVolumeClaimStrategy: KindStrategy = defineStrategy({
  default: (pvc) => setDefault(child(pvc, 'spec'), 'volumeMode', 'Filesystem'),
  validate: validateClaim,
  validateUpdate: validateClaimUpdate,
  prepareForCreate: (pvc) => { pvc.status = { phase: 'Pending' }; },
  prepareForUpdate: keepStatus,
});

// ---- PersistentVolume ----

const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

function validateVolume(pv: KubeObject): FieldError[] {
  const spec = rec(pv.spec);
  if (!spec) return [field.required('spec', '')];
  const errs = accessModesErrors(spec.accessModes, 'spec.accessModes');
  const capacity = rec(spec.capacity);
  if (!capacity || Object.keys(capacity).length === 0) errs.push(field.required('spec.capacity', ''));
  else if (capacity.storage === undefined) errs.push(field.notSupported('spec.capacity', Object.keys(capacity)[0], ['storage']));
  else errs.push(...resourceListErrors(capacity, 'spec.capacity'));
  const sources = PV_SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (sources.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
  if (sources.length > 1) errs.push(field.forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  errs.push(...oneOf(spec.persistentVolumeReclaimPolicy, 'spec.persistentVolumeReclaimPolicy', ['Delete', 'Recycle', 'Retain']));
  if (spec.volumeMode !== undefined) errs.push(...oneOf(spec.volumeMode, 'spec.volumeMode', VOLUME_MODES));
  const hostPath = rec(spec.hostPath);
  if (hostPath && !str(hostPath.path)) errs.push(field.required('spec.hostPath.path', ''));
  if (rec(spec.local) && !str(rec(spec.local)?.path)) errs.push(field.required('spec.local.path', ''));
  return errs;
}

function validateVolumeUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(pv.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const changed = PV_SOURCES.some((k) => !deepEqual(spec[k], oldSpec[k]));
  return changed ? [field.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation')] : [];
}

export const persistentVolumeStrategy: KindStrategy = defineStrategy({
  default: (pv) => {
    const spec = child(pv, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  },
  validate: validateVolume,
  validateUpdate: validateVolumeUpdate,
  prepareForCreate: (pv) => { pv.status = { phase: 'Pending' }; },
  prepareForUpdate: keepStatus,
});
