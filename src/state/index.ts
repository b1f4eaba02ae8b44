/** The durable state store: `openState()` and the types of what it keeps. */
export { defaultStatePath, openState, type OpenStateOptions } from './open.js';
export { StateStore } from './store.js';
export { PoolExhaustedError } from './allocations.js';
export { isPidAlive } from './operations.js';
export { MIGRATIONS, SCHEMA_VERSION, APPLICATION_ID, migrate, type Migration } from './migrations.js';
export * from './types.js';
