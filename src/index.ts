/** highalert's library entry point: reusable pieces for scripts. */
export * from './errors.js';
export * from './values/index.js';
export * from './devices/parsers/index.js';
export * from './devices/index.js';
export { loadInventory, validateInventoryFile, readSecret } from './inventory/index.js';
export type { ResolvedInventory, ResolvedDevice, ResolvedVlan } from './inventory/types.js';
