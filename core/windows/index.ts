// Windows enrollment (MS-MDE2 discovery, MS-XCEP, MS-WSTEP) and management (OMA-DM SyncML) codecs.
export * from './discovery.js';
export * from './enrollment-policy.js';
export * from './enrollment-token.js';
export * from './provisioning-doc.js';
export * from './soap-envelope.js';
export * from './ws-security-credential.js';
export * from './windows-protocol-error.js';
export * from './syncml/syncml-message.js';
export * from './syncml/decode-syncml.js';
export * from './syncml/encode-syncml.js';
export * from './syncml/syncml-reply.js';
