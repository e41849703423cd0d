// The public surface of the API package: schemas, types, constants and parsing.
export * from './constants.js';
export * from './cel.js';
export * from './common.js';
export * from './realm.js';
export * from './realm-settings.js';
export * from './group.js';
export * from './user.js';
export * from './role-binding.js';
export * from './resources.js';
export * from './parse.js';
export * from './rules.js';
export * from './status-fit.js';
