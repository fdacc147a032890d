// Every workflow the core worker runs; the bundle is built from this file.
export { planeCheckWorkflow, planeCheckSignal } from './plane-check.workflow.js';
