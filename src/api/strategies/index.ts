// Defaulting and validation of the built-in kinds, as kube-apiserver's registry strategies do them.
export { strategies, strategyFor } from './table.js';
export { hpaV1ToV2, hpaV2ToV1, HPA_ANNOTATIONS } from './hpa-conversion.js';
export { eventCoreToEventsV1, eventsV1ToCore } from './events.js';
export { parseCronSchedule } from './cron.js';
export type { CronFields, CronParse } from './cron.js';
export {
  validateObjectMeta, validateObjectMetaUpdate, validateNameFormat, bumpGeneration,
  nameIsDNSSubdomain, nameIsDNSLabel, nameIsDNS1035Label, nameIsPathSegment,
} from './common.js';
export type { NameValidator } from './common.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod-validation.js';
export { defaultPod, defaultPodSpec, defaultPullPolicy } from './pod-defaults.js';
export { podQOSClass } from './resources.js';
export type { QOSClass } from './resources.js';
export { NODE_PORT_RANGE } from './core-service.js';
export { JOB_LABELS } from './batch.js';
export {
  KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, csrCertificatePem, csrHasCondition, csrRequestPem, prepareCsrApprovalUpdate, prepareCsrStatusUpdate, validateCsrUpdate,
} from './certificates.js';
export type { CsrConditionType } from './certificates.js';
