// Go's strconv.ParseBool, which kube-apiserver applies to boolean query parameters (the Python
// client, for one, sends `watch=True`).
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** true or false as Go reads `v`; undefined when absent or not a boolean. */
export function parseBool(v: string | null | undefined): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** The parameter is present and true. */
export function isTrue(v: string | null | undefined): boolean {
  return parseBool(v) === true;
}
