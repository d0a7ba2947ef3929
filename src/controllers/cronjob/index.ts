// The CronJob controller (kube's "cronjob", CronJobControllerV2).
export { cronJobController, cronJobControllerWith } from './controller.js';
export { parseSchedule, mostRecentScheduleTime, ScheduleError, type Schedule } from './schedule.js';
export { CRONJOB_SCHEDULED_TIMESTAMP, type CronJob, type CronJobSpec, type CronJobStatus } from './types.js';
