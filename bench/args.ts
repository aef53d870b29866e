// The command line of the small bench scripts (bench:rnn, bench:rnn-profile, npm run bench):
// `--name value` options and `--help`. bench:quality has a full parser of its own.

/** The script's arguments, after `npm run X --`. */
export const benchArgs: readonly string[] = process.argv.slice(2);

/** The value after `--name`, else `dflt`. */
export function benchArg(name: string, dflt: string): string {
  const i = benchArgs.indexOf(`--${name}`);
  return i >= 0 && benchArgs[i + 1] ? benchArgs[i + 1]! : dflt;
}

/** Prints `usage` and exits 0 when --help (or -h) was given. */
export function exitOnHelp(usage: string): void {
  if (benchArgs.includes('--help') || benchArgs.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
}
