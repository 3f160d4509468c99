// The dialect-free reading of a ListUsers filter (UserFilter) that both backends turn into their own SQL.
import type { UserFilter } from './interfaces/users.ts';

/**
 * The value the filter compares, folded as UserFilter says when `caseInsensitive`: upper case for 'status' (UserStatus
 * names), lower case for every other field (the folded copies and keys are lower-cased).
 */
export function filterValue(f: UserFilter): string {
  if (f.caseInsensitive !== true) return f.value;
  return f.field === 'status' ? f.value.toUpperCase() : f.value.toLowerCase();
}

/**
 * The enabled flags an 'enabled' filter matches: "Enabled" (true) and "Disabled" (false) compared with the value, by
 * '=' or as a prefix, case-insensitively when asked. None, one or both.
 */
export function enabledFlags(f: UserFilter): boolean[] {
  const ci = f.caseInsensitive === true;
  const want = filterValue(f);
  return (
    [
      ['Enabled', true],
      ['Disabled', false],
    ] as const
  )
    .filter(([word]) => {
      const w = ci ? word.toLowerCase() : word;
      return f.op === '=' ? w === want : w.startsWith(want);
    })
    .map(([, flag]) => flag);
}
