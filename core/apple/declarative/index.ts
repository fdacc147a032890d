// Declarative Device Management: manifests and tokens the server serves, status reports it reads.
export * from './declaration-manifest.js';
export * from './status-report.js';
