// Exit codes of every bft command, in one table (also printed by `bft --help`). Which error exits
// with which code is src/errors.ts's EXIT_CODE_OF.

export { EXIT } from '../errors.js';

export const EXIT_TABLE = `Exit codes: 0 done, 1 check failed, 2 bad input (nothing written), 3 store unavailable, 4 a product got no signal (the others were kept), 5 a signal came from a stale model, 70 internal error (BFT_DEBUG=1 for a stack trace).`;
