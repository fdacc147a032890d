// Every workflow the core worker runs; the bundle is built from this file.
export { planeCheckWorkflow } from './plane-check.workflow.js';
export { deviceWorkflow } from './device.workflow.js';
