/**
 * Small rules about string values shared by the mapping rules: which characters AD gets, how AD
 * compares strings, what an SMTP address looks like, and how a value is quoted in a reason.
 *
 * Values full of LDAP-special characters (`*()\,=+<>;"#`) and non-ASCII text are legal and pass
 * through literally: escaping belongs to the LDAP library, never to these rules.
 */

/**
 * Control characters (Unicode category Cc: C0 including tab, CR and LF, DEL, C1) and lone UTF-16
 * surrogates. **Decision**: all are refused, tab included — none belongs in an Exchange attribute,
 * they are invisible in every admin tool, and a lone surrogate cannot be encoded as UTF-8 at all
 * (AD would store U+FFFD instead, so the value would drift on every cycle).
 */
const INVALID_CHARACTER = /[\p{Cc}\p{Cs}]/u;

/** The first refused character of `value` as `U+XXXX`, or null when the value is clean. */
export function findInvalidCharacter(value: string): string | null {
  const match = INVALID_CHARACTER.exec(value);
  if (!match) return null;
  return `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The key under which AD's Unicode-string matching rule considers two values equal. AD (and
 * Samba) match 2.5.5.12 strings case-insensitively, so `Foo` and `foo` cannot both be stored and
 * deleting `foo` removes `Foo`. (AD also ignores kana type and width; that is not modelled.)
 */
export function caseFold(value: string): string {
  return value.toLowerCase();
}

/**
 * A reasonable SMTP address check: `local@domain`, exactly one `@`, no whitespace, non-empty
 * dot-separated domain labels. Non-ASCII is allowed (internationalised addresses).
 */
export function isSmtpAddress(address: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/u.test(address);
}

const QUOTE_LIMIT = 120;

/** `value` quoted for a failure reason, shortened when huge so reasons stay readable. */
export function describeValue(value: string): string {
  // Count and cut on code points so a surrogate pair is never split.
  const points = Array.from(value);
  if (points.length <= QUOTE_LIMIT) return `'${value}'`;
  return `'${points.slice(0, QUOTE_LIMIT).join('')}…' (${value.length} characters)`;
}
