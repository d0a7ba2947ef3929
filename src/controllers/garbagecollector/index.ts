// The garbage collector: ownerReferences, and background / foreground / orphan propagation.
// Also the discovery of served resources, shared with the namespace and disruption controllers.
export { garbageCollectorController, DEFAULT_DISCOVERY_RESYNC_MS } from './controller.js';
export { discoverResources, hasVerbs, groupOf, groupKindKey, type DiscoveredResource, type DiscoveryResult } from './discovery.js';
export { FINALIZER_ORPHAN, FINALIZER_FOREGROUND } from './owners.js';
