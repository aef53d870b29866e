// JSON as bft writes it into run records and files.

/** JSON with non-finite numbers as null (JSON has no NaN / Infinity), indented, with a final newline. */
export function toJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
