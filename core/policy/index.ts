// The platform-neutral policy model: schema, parsing with located errors, content hash, OS update compliance.
export * from './policy.schema.js';
export * from './parse-policy.js';
export * from './policy-hash.js';
export * from './os-version.js';
export * from './os-update-compliance.js';
export * from './policy-diff.js';
export * from './policy-target.js';
export * from './policy-report.js';
export * from './not-applicable.js';
export * from './setting-compliance.js';
export * from './applied-verification.js';
