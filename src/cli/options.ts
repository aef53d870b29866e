// Checks of option values shared by every command, so a date, a count, a share or an output file
// is judged the same way wherever it is given. Each check throws BftError 'usage': one line, exit 2,
// before the command opens the store or writes anything.

import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BftError } from '../errors.js';
import { isoDateProblem } from '../market/calendar.js';

/** A date option (YYYY-MM-DD, a real calendar day); undefined passes. */
export function dateOption(option: string): (v: string | undefined) => string | undefined {
  return (v) => {
    if (v === undefined) return v;
    const problem = isoDateProblem(String(v));
    if (problem !== null) throw new BftError('usage', `--${option} ${problem}`);
    return String(v);
  };
}

/** A whole-number option of at least `min`; undefined passes. */
export function wholeNumberOption(option: string, min: number): (v: number | undefined) => number | undefined {
  return (v) => {
    if (v === undefined) return v;
    if (!Number.isInteger(v) || v < min) throw new BftError('usage', `--${option} ${shown(option, v)}: expected a whole number of at least ${min}`);
    return v;
  };
}

/** A share option: a number from 0 to 1. */
export function shareOption(option: string): (v: number) => number {
  return (v) => {
    if (!(v >= 0 && v <= 1)) throw new BftError('usage', `--${option} ${shown(option, v)}: expected a number from 0 to 1`);
    return v;
  };
}

/**
 * A file the command will write: its folder must exist, and it must not be a folder itself.
 * Checked up front, so a long command does not fail at its last step.
 */
export function outputFileOption(option: string): (v: string | undefined) => string | undefined {
  return (v) => {
    if (v === undefined) return v;
    const path = resolve(String(v));
    const folder = statOrNull(dirname(path));
    if (folder === null || !folder.isDirectory()) throw new BftError('usage', `--${option} ${v}: the folder ${dirname(path)} does not exist`);
    if (statOrNull(path)?.isDirectory()) throw new BftError('usage', `--${option} ${v}: is a folder; give a file name`);
    return String(v);
  };
}

/**
 * Every option given with no value (`--config` last on the line, or followed by another option):
 * yargs reads it as '', which would reach a handler as a file, model or name called ''. The first
 * one, as a usage error.
 */
export function checkGivenValues(argv: Readonly<Record<string, unknown>>): void {
  for (const [k, v] of Object.entries(argv)) {
    if (k === '_' || k === '$0' || /[A-Z]/.test(k)) continue;
    const empty = v === '' || (Array.isArray(v) && v.some((x) => x === ''));
    if (empty) throw new BftError('usage', typedOnCommandLine(k) ? `--${k} needs a value` : `${k}: an empty value`);
  }
}

/** --from after --to: a range with nothing in it is a mistake, not an empty result. */
export function checkDateOrder(argv: Readonly<Record<string, unknown>>): void {
  const { from, to } = argv;
  if (typeof from !== 'string' || typeof to !== 'string') return;
  if (isoDateProblem(from) !== null || isoDateProblem(to) !== null) return; // each option's own check says why
  if (from > to) throw new BftError('usage', `--from ${from} is after --to ${to}`);
}

/** Whether --option was typed (alone or as --option=...), as opposed to a positional argument. */
function typedOnCommandLine(option: string): boolean {
  return process.argv.some((a) => a === `--${option}` || a.startsWith(`--${option}=`));
}

/**
 * The text the user typed for a numeric option: yargs has already turned 'abc' into NaN, so the
 * original is taken from the command line when it can be found there.
 */
function shown(option: string, v: number): string {
  if (!Number.isNaN(v)) return String(v);
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${option}` && i + 1 < argv.length) return JSON.stringify(argv[i + 1]);
    if (a.startsWith(`--${option}=`)) return JSON.stringify(a.slice(option.length + 3));
  }
  return 'NaN';
}

/** Every numeric option that did not read as a number (yargs gives NaN): the first one, as a usage error. */
export function checkNumbers(argv: Readonly<Record<string, unknown>>): void {
  for (const [k, v] of Object.entries(argv)) {
    // yargs lists each option under its dashed and camel-cased names; report the dashed one
    if (typeof v === 'number' && Number.isNaN(v) && !/[A-Z]/.test(k)) throw new BftError('usage', `--${k} ${shown(k, v)}: expected a number`);
  }
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}
