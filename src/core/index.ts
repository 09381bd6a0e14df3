/** The pure core's public API: rules that decide what to write, with no I/O. */
export * from './attribute-catalogue.js';
export * from './attribute-change.js';
export * from './attribute-diff.js';
export * from './cloud-mailbox.js';
export * from './cloud-user.js';
export * from './directory-object.js';
export * from './distinguished-name.js';
export * from './guid.js';
export * from './mailbox-mapping.js';
export * from './matching.js';
export * from './object-failure.js';
export * from './provisioning-record.js';
export * from './proxy-addresses.js';
export * from './recipient-types.js';
export * from './scoping.js';
export * from './text-values.js';
export * from './safety/index.js';
