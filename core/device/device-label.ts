// What a device label may be: short, printable, no spaces, so it reads the same in a URL, YAML and a query.
import { z } from 'zod';

export const labelSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'must be 1–63 letters, digits, ".", "_" or "-", starting alphanumeric',
  )
  .describe('A device label, e.g. "canary".');
