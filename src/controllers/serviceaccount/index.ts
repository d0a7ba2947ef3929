// The ServiceAccount controller: a "default" ServiceAccount in every active namespace.
export { serviceAccountController, DEFAULT_SERVICE_ACCOUNT } from './controller.js';
