export * from './mac.js';
export * from './ip.js';
export * from './interface.js';
export * from './names.js';
export * from './duration.js';
