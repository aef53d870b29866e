// The one error type of bft. A BftError is data: a `code` saying what kind of problem it is, a
// one-line `message` for the terminal, the user's `context` (file, option, run) and, for a failed
// job, the `cause` it died of. The code alone decides the exit code (EXIT_CODE_OF), so the CLI
// needs to know no layer's errors. A leaf module: it imports nothing of ours.

/** Exit codes of every bft command (src/cli/exit-codes.ts prints them in `bft --help`). */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** A check ran and failed (e.g. an overfitting gate); reserved for verdict commands. */
  checkFailed: 1,
  /** Bad input: unknown option value, unreadable file, unknown layout, too many rejected rows. */
  badInput: 2,
  /** The store could not be opened (locked by another process, not a DuckDB file). */
  storeUnavailable: 3,
  /** bft signal / daily: some product got no signal (its data is missing, or no model may serve); the others were made and kept. */
  signalMissing: 4,
  /** bft signal / daily: every product got its signal, but some from a model the retrain schedule calls stale (retraining left out). */
  staleModel: 5,
  /** A bug in bft: the message and, with BFT_DEBUG=1, the stack trace are printed. */
  internal: 70,
} as const;

/** What went wrong, as a word: the CLI's exit code and the desk's and server's handling go by it. */
export type BftErrorCode =
  // the command line
  | 'usage'
  | 'check_failed'
  | 'signal_missing'
  | 'stale_model'
  // input files and the store
  | 'file_unreadable'
  | 'layout_unknown'
  | 'bad_option'
  | 'too_many_rejects'
  | 'interval_unknown'
  | 'no_data'
  | 'store_missing'
  | 'store_unavailable'
  // configs, datasets, runs
  | 'bad_config'
  | 'lookback_too_long'
  | 'unknown_feature'
  | 'non_finite'
  | 'no_run'
  | 'job_failed'
  // models
  | 'bad_input'
  | 'backend_unavailable'
  | 'incompatible_artifact';

/** The exit code of a command that stops on each code. */
export const EXIT_CODE_OF: Readonly<Record<BftErrorCode, number>> = {
  // the command line
  usage: EXIT.badInput,
  check_failed: EXIT.checkFailed,
  signal_missing: EXIT.signalMissing,
  stale_model: EXIT.staleModel,
  // input files and the store
  file_unreadable: EXIT.badInput,
  layout_unknown: EXIT.badInput,
  bad_option: EXIT.badInput,
  too_many_rejects: EXIT.badInput,
  interval_unknown: EXIT.badInput,
  no_data: EXIT.badInput,
  store_missing: EXIT.badInput,
  store_unavailable: EXIT.storeUnavailable,
  // configs, datasets, runs
  bad_config: EXIT.badInput,
  lookback_too_long: EXIT.badInput,
  unknown_feature: EXIT.badInput,
  non_finite: EXIT.badInput,
  no_run: EXIT.badInput,
  /** Without a cause; with one, the cause's code decides (exitCodeOf). */
  job_failed: EXIT.internal,
  // models
  bad_input: EXIT.badInput,
  backend_unavailable: EXIT.badInput,
  incompatible_artifact: EXIT.badInput,
};

/** The error a job died of, as plain data (it crosses from a worker thread): 'internal' when it was no BftError. */
export interface BftErrorCause {
  readonly code: BftErrorCode | 'internal';
  readonly message: string;
}

export class BftError extends Error {
  override readonly name = 'BftError';
  /** For 'job_failed': the error the job died of. */
  declare readonly cause?: BftErrorCause;

  /**
   * `message` is kept to one line: a usage message's lines (yargs adds a suggestion) are joined
   * with '; ', any other message keeps its first line.
   */
  constructor(
    readonly code: BftErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
    cause?: BftErrorCause,
  ) {
    super(code === 'usage' ? joinLines(message) : oneLine(message), cause === undefined ? undefined : { cause });
  }
}

/** The exit code of a command that stopped on `e`: a failed job's comes from its cause (internal: 70). */
export function exitCodeOf(e: BftError): number {
  if (e.code !== 'job_failed' || e.cause === undefined) return EXIT_CODE_OF[e.code];
  return e.cause.code === 'internal' ? EXIT.internal : EXIT_CODE_OF[e.cause.code];
}

/** What a job died of, as plain data: a BftError keeps its code, anything else is 'internal'. */
export function causeOf(e: unknown): BftErrorCause {
  if (e instanceof BftError) return { code: e.code, message: e.message };
  const message = (e as { message?: unknown } | null | undefined)?.message;
  return { code: 'internal', message: typeof message === 'string' ? message : String(e) };
}

/**
 * First non-empty line of any thrown value, without a DuckDB type prefix ("IO Error: ", ...), for
 * wrapping a driver's or library's error into a one-line message.
 */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.replace(/^(IO|Invalid Input|Conversion|Binder|Parser|Catalog) Error:\s*/i, '').trim();
}

function oneLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.trim();
}

function joinLines(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, '; ');
}
