// The Job controller (kube's "job") and the TTL-after-finished controller ("ttl-after-finished").
export { jobController, jobControllerWith, type JobControllerOptions } from './controller.js';
export { ttlAfterFinishedController, ttlAfterFinishedControllerWith } from './ttl.js';
export { JOB_TRACKING_FINALIZER, JOB_COMPLETION_INDEX, type Job, type JobCondition, type JobSpec, type JobStatus } from './types.js';
export { finishedType } from './conditions.js';
