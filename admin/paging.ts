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

export function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string')) {
      return parts;
    }
  } catch {
    // falls through to the 400
  }
  throw new HTTPException(400, { message: 'cursor: not a cursor this API returned' });
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
