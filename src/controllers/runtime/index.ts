// What every controller builds on: the contract, the worker loop, owner references.
export * from './types.js';
export { runWorkers, type WorkersOptions } from './workers.js';
export { controllerOf, newControllerRef } from './owners.js';
export { waitForSync } from './sync.js';
