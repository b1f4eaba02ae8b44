/** highalert's library entry point: reusable pieces for scripts. */
export * from './errors.js';
export * from './values/index.js';
export * from './devices/parsers/index.js';
