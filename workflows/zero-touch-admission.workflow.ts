// A device in Setup Assistant asks for its enrollment profile (through the edge): admitted only if ABM assigns
// it to Keep; then its zero-touch enrollment starts and it gets a profile bound to a fresh enrollment id.
import { startZeroTouch, type ZeroTouchAdmissionInput } from './zero-touch-start.js';

export type { ZeroTouchAdmissionInput } from './zero-touch-start.js';

export async function zeroTouchAdmissionWorkflow(
  input: ZeroTouchAdmissionInput,
): Promise<{ enrollmentId: string; sealedProfile: string }> {
  return startZeroTouch(input);
}
