export * from './app-config.js';
export * from './domain-error.js';
export * from './grade.js';
export * from './pagination.js';
export * from './quantity.js';
export * from './region-code.js';
export * from './rupiah.js';
export * from './time.js';
