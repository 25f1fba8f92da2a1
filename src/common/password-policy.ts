export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_RULE = 'must be 8 to 128 characters long and contain an upper-case letter, a lower-case letter and a digit';

export const PASSWORD_TOO_COMMON = 'is one of the most common passwords; choose another';

let common: Set<string> | undefined;
/**
 * The ~49,000 most common passwords from zxcvbn-ts's maintained list (from leaked-password corpora),
 * loaded once on first use and compared case-insensitively.
 */
function commonPasswords(): Set<string> {
  if (!common) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dictionary } = require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
    common = new Set(dictionary['passwords-common']);
  }
  return common;
}

export const commonPasswordCount = () => commonPasswords().size;

/** Returns why a password breaks the rule, or null when it is acceptable. Never trims or folds what is stored. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return PASSWORD_RULE;
  if (!/\p{Lu}/u.test(password) || !/\p{Ll}/u.test(password) || !/\d/.test(password)) return PASSWORD_RULE;
  if (commonPasswords().has(password.toLowerCase())) return PASSWORD_TOO_COMMON;
  return null;
}
