// Typed errors of the dataset builder: one line a user can act on, with what they asked for.

export type DatasetErrorCode = 'bad_config' | 'no_data' | 'lookback_too_long' | 'unknown_feature' | 'non_finite';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function isDatasetError(e: unknown): e is DatasetError {
  return e instanceof DatasetError;
}
