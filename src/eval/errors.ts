// Typed errors of evaluation: a bad fold plan or run request (the user can fix it: exit 2), or a
// job that failed inside training (reported with the job; exit 70 unless its cause was bad input).

export type EvalErrorCode = 'bad_config' | 'no_run' | 'job_failed';

export class EvalError extends Error {
  override readonly name: string = 'EvalError';
  constructor(
    readonly code: EvalErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function isEvalError(e: unknown): e is EvalError {
  return e instanceof EvalError;
}
