// The EndpointSlice controller: discovery.k8s.io/v1 slices of the pods behind every Service.
export { endpointSliceController, endpointSliceControllerWith, DEFAULT_MAX_ENDPOINTS_PER_SLICE, type EndpointSliceControllerOptions } from './controller.js';
export { planSlices, type SlicePlan, type PlanInput } from './reconciler.js';
export { LABEL_SERVICE_NAME, LABEL_MANAGED_BY, CONTROLLER_NAME, type EndpointSlice, type SliceEndpoint, type SlicePort } from './slices.js';
