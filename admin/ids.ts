// Keep's ids are UUIDs: anything else names nothing, and must not reach a uuid column as a 500.
import { z } from 'zod';

const uuid = z.guid();

export function isUuid(value: string): boolean {
  return uuid.safeParse(value).success;
}
