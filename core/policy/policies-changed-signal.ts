// The name of the signal that tells a device workflow its desired policies changed: declared once here, so the
// workflow (which defines it) and the core's fan-out activity (which may not import workflows) agree.
export const POLICIES_CHANGED_SIGNAL = 'policiesChanged';
