// Keyset pagination shared by both backends: opaque cursors, page cutting, and prefix ranges for index reads.
import type { Page } from './records.ts';

/** Cursor helpers: keyset pagination on (createdAt, id), opaque to clients. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fallthrough */
  }
  return null;
}

/**
 * The least string above every string that starts with `prefix`, in code-point order (the byte order of UTF-8:
 * SQLite's BINARY collation, PostgreSQL's "C"), or undefined when there is none (an empty prefix, or one of U+10FFFF
 * only). A prefix filter is then the index range `prefix <= value < bound`. Lone surrogates count as U+FFFD, which is
 * what the drivers store for them.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => {
    const cp = c.codePointAt(0)!;
    return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  });
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < 0x10ffff) return String.fromCodePoint(...cps, last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

/** Thrown by list methods given a cursor they did not make; operations answer InvalidParameterException. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid pagination token');
  }
}

/** Cuts `limit + 1` rows to a page; the extra row only tells that there is a next page, keyed by the last item. */
export function page<T extends { createdAt: number }>(rows: T[], limit: number, idOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: encodeCursor(last.createdAt, idOf(last)) };
}

/** The (createdAt, id) to read after: [-1, ''] starts before every one. */
export function cursorArgs(cursor: string | undefined): [number, string] {
  if (cursor === undefined) return [-1, ''];
  const c = decodeCursor(cursor);
  if (!c) throw new InvalidCursorError();
  return c;
}

/** Pages keyed by name alone (groups): the cursor is the last name, with createdAt 0. */
export function namePage<T extends { name: string }>(rows: T[], limit: number): Page<T> {
  return keyPage(rows, limit, (r) => r.name);
}
/** Pages keyed by one unique string (a name, a resource server's identifier), read back by nameCursorArg. */
export function keyPage<T>(rows: T[], limit: number, keyOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(0, keyOf(items[items.length - 1]!)) };
}
export function nameCursorArg(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  const c = decodeCursor(cursor);
  if (!c || c[0] !== 0) throw new InvalidCursorError();
  return c[1];
}
