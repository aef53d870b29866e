// Typed errors of the model layer. `message` is one line meant for the terminal; the CLI prints
// it as is. `code` lets callers tell a bad setting from a missing backend or a broken artifact.

export type ModelErrorCode =
  | 'bad_config'
  | 'backend_unavailable'
  | 'incompatible_artifact'
  | 'bad_input';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
  ) {
    super(oneLine(message));
  }
}

export function isModelError(e: unknown): e is ModelError {
  return e instanceof ModelError;
}

/** First non-empty line of any thrown value, for wrapping foreign errors into one-line messages. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return oneLine(text);
}

function oneLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.trim();
}
