// The Endpoints controller, and the pod/service rules it shares with the EndpointSlice controller.
export { endpointsController } from './controller.js';
export {
  isPodReady, podIPs, isIPv6, shouldPodBeInEndpoints, shouldSetHostname, findPort, servicesSelecting, servicesToUpdateOnPodChange, enqueueServicesOnChange,
  isHeadless, serviceFamily, LABEL_HEADLESS, ANNOTATION_LAST_CHANGE_TRIGGER_TIME,
  type Pod, type Service, type ServicePort, type ContainerPort,
} from './pods.js';
export { TriggerTimeTracker, rfc3339Nano } from './trigger-time.js';
export { desiredSubsets, repack, truncate, MAX_ENDPOINTS_CAPACITY, ANNOTATION_OVER_CAPACITY, type EndpointSubset, type EndpointAddress, type EndpointPort } from './subsets.js';
