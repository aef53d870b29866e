// Exit codes of every bft command, in one table (also printed by `bft --help`).

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

export const EXIT_TABLE = `Exit codes: 0 done, 1 check failed, 2 bad input (nothing written), 3 store unavailable, 4 a product got no signal (the others were kept), 5 a signal came from a stale model, 70 internal error (BFT_DEBUG=1 for a stack trace).`;

/** Thrown by a verdict command whose check failed: one line on stderr, exit code 1. */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** Thrown by bft signal and bft daily when the evening is incomplete: one line on stderr, exit 4 or 5. */
export class DeskIncomplete extends Error {
  override readonly name = 'DeskIncomplete';
  constructor(
    message: string,
    readonly exitCode: typeof EXIT.signalMissing | typeof EXIT.staleModel,
  ) {
    super(message);
  }
}
