/**
 * Public surface of the tenant emulator for the orchestrator and tests. See `emulator-server.ts`
 * for the served endpoints and `admin-api.ts` for the `/_emulator/…` control routes.
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator-server.js';
export { buildTenantState, LAB_APP_ROLES, type TenantBuildOptions } from './tenant-builder.js';
export { syntheticAnchors } from './synthetic-anchors.js';
export { applyFiller, DEFAULT_FILLER_SEED, FILLER_MAX, type FillerSettings } from './filler.js';
export { TenantStore, writeTenantData, EXO_RESOURCE, GRAPH_RESOURCE, type TenantData, type ExoMailbox, type GraphUser, type AppRegistration } from './tenant-state.js';
export { type FaultRule, type FaultKind, type FaultEndpoint, EXO_CONCURRENCY_MESSAGE } from './faults.js';
export { type EmulatorRuntimeConfig } from './admin-api.js';
export { EmulatorConfigError, EmulatorStateError } from './emulator-errors.js';
