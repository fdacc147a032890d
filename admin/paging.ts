// Cursor paging shared by the list routes: an opaque cursor, a bounded limit, and a 400 for a forged cursor.
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (1–200).'),
  cursor: z.string().max(500).optional().describe('`nextCursor` of the previous page.'),
});

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor: string | null;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const INT8_MAX = 9223372036854775807n;
const PG_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::[0-5]\d){0,2}$/;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * What each kind of cursor part may hold: exactly what the route's query can bind, so a forged
 * cursor is a 400 here rather than a Postgres error (a 500) there.
 */
export const cursorPart = {
  uuid: z.guid(),
  /** A `bigint` (int8) id. */
  bigint: z.string().refine((s) => /^[0-9]{1,19}$/.test(s) && BigInt(s) <= INT8_MAX),
  /** `timestamptz::text` as Postgres writes it: `2026-01-01 10:00:00.123456+00`. */
  timestamp: z.string().refine((s) => {
    const m = PG_TIMESTAMP.exec(s);
    if (!m) return false;
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset = 0] = m
      .slice(1)
      .map(Number);
    return (
      year >= 1 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      offset <= 15
    );
  }),
  /** A text key: Postgres text cannot hold NUL. */
  text: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !s.includes('\0')),
};

/** The parts of a cursor this API returned, each checked by its schema; anything else is a 400. */
export function decodeCursor<const T extends readonly [z.ZodType, ...z.ZodType[]]>(
  cursor: string,
  parts: T,
): { [K in keyof T]: z.output<T[K]> } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const result = z.tuple(parts as unknown as [z.ZodType, ...z.ZodType[]]).safeParse(decoded);
  if (!result.success) throw new HTTPException(400, { message: 'cursor: not a cursor this API returned' });
  return result.data as { [K in keyof T]: z.output<T[K]> };
}

/** Fetches one row more than asked, to know whether a next page exists without a count. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string[],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
