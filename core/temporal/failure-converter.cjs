// Temporal's failure converter for every Keep client, worker and workflow bundle: failure messages and stack
// traces go into an encoded payload, so the payload codec encrypts them like any other value.
// CommonJS because Temporal loads it by path — with require() in clients and workers, and into the
// workflow bundle — where a TypeScript file could not be required.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
