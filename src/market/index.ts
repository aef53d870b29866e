export * from './specs.js';
export * from './calendar.js';
export * from './contracts.js';
export * from './sessions.js';
