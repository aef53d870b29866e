// The model layer: backends, specs and presets, builders, training, prediction and artifacts.
export * from './backend.js';
export * from './build.js';
export * from './io.js';
export * from './presets.js';
export * from './registry.js';
export * from './seed.js';
export * from './train.js';
