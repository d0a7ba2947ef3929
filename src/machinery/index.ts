// Pure API machinery: errors, selectors, names, quantities, patches, object helpers. No I/O.
export * from './errors.js';
export * from './object.js';
export * from './labels.js';
export * from './fields.js';
export * from './names.js';
export * from './quantity.js';
export * from './patch/index.js';
export * from './clock.js';
export * from './deep-equal.js';
export * from './versions.js';
export * from './duration.js';
export * from './taints.js';
export * from './bootstrap-token.js';
