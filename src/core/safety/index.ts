/** The service's pure safety rules (spec §7): guard, retries, quarantine, undo, drift, incremental window. */
export * from './drift.js';
export * from './incremental-window.js';
export * from './mass-change-guard.js';
export * from './quarantine.js';
export * from './retry-backoff.js';
export * from './undo-plan.js';
export * from './value-equality.js';
