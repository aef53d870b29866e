// Terminal output for commands: messages to stderr, results to stdout, progress bars only on a
// TTY and never under --quiet. With --json the result is one JSON document on stdout instead of
// text lines, so a script can parse stdout whole. Library code never prints; it returns values
// the CLI renders.

import cliProgress from 'cli-progress';

export interface Output {
  /** A result line (stdout); left out under --json, where the document carries the result. */
  result(line: string): void;
  /**
   * The command's result as one JSON document (stdout), under --json only; without it, nothing.
   * A command calls it once, at its end, with what its result lines said as data.
   */
  document(value: unknown): void;
  /** A status line (stderr), hidden by --quiet. */
  info(line: string): void;
  /** A warning (stderr), always shown. */
  warn(line: string): void;
  /** A progress bar for `total` units, or a no-op one. */
  progress(label: string, total: number): Progress;
}

export interface Progress {
  /** `note` is shown after the counts (e.g. the last epoch's loss). */
  update(done: number, total?: number, note?: string): void;
  stop(): void;
}

/**
 * A reader that closes the pipe early (`bft data status | head -n 1`) is not an error: the rest
 * of the output is dropped and the command finishes as it would have, without a stack trace.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** JSON text for stdout: indented, non-finite numbers as null (JSON has no NaN or Infinity). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export function terminalOutput(quiet: boolean, json = false): Output {
  const tty = Boolean(process.stderr.isTTY) && !quiet;
  let documents = 0;
  return {
    result: (l) => {
      if (!json) process.stdout.write(`${l}\n`);
    },
    document: (value) => {
      if (!json) return;
      // two documents on stdout would not parse as one: a command that tries is a bug
      if (documents++ > 0) throw new Error('a command wrote a second JSON document');
      process.stdout.write(jsonText(value));
    },
    info: (l) => {
      if (!quiet) process.stderr.write(`${l}\n`);
    },
    warn: (l) => process.stderr.write(`warning: ${l}\n`),
    progress: (label, total) => {
      if (!tty) return NO_PROGRESS;
      const bar = new cliProgress.SingleBar(
        { format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} {note}`, hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { note: '' });
      return {
        update: (done, t, note) => {
          if (t !== undefined) bar.setTotal(t);
          bar.update(done, note === undefined ? {} : { note });
        },
        stop: () => bar.stop(),
      };
    },
  };
}

/** Formats a table of rows as aligned text columns. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}
