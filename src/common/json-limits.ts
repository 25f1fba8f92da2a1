/** Deepest nesting of objects and arrays a JSON body may have (contract v2: deeper is VALIDATION_ERROR). */
export const MAX_JSON_DEPTH = 32;
/** Most object properties a JSON body may have in total; no route takes more than a handful. */
export const MAX_JSON_PROPERTIES = 1000;

/**
 * Why a JSON text is refused before it is parsed, or null. One linear pass over the characters, no
 * recursion and no allocation, so a body nested thousands of levels deep costs as little as any other
 * (it would otherwise make validation recurse until the stack overflows). Strings are skipped, so
 * brackets and colons inside them do not count. Counts are exact for valid JSON; invalid JSON that
 * passes is refused by the parser right after.
 */
export function jsonShapeProblem(text: string, maxDepth = MAX_JSON_DEPTH, maxProperties = MAX_JSON_PROPERTIES): string | null {
  let depth = 0;
  let properties = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return `Body is nested deeper than ${maxDepth} levels`;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && ++properties > maxProperties) return `Body has more than ${maxProperties} properties`;
  }
  return null;
}
