// Typed errors of the data layer. Each carries the user's context (file, option, path) and a
// one-line message meant for the terminal; the CLI prints `message` and exits with `exitCode`.

export type DataErrorCode =
  | 'file_unreadable'
  | 'layout_unknown'
  | 'bad_option'
  | 'too_many_rejects'
  | 'store_unavailable'
  | 'store_missing'
  | 'interval_unknown'
  | 'no_data';

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function isDataError(e: unknown): e is DataError {
  return e instanceof DataError;
}

/** First line of a driver error, without DuckDB's type prefix, for one-line user messages. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.replace(/^(IO|Invalid Input|Conversion|Binder|Parser|Catalog) Error:\s*/i, '').trim();
}
