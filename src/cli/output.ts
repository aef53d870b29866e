// Terminal output for commands: messages to stderr, results to stdout, progress bars only on a
// TTY and never under --quiet. Library code never prints; it returns values the CLI renders.

import cliProgress from 'cli-progress';

export interface Output {
  /** A result line (stdout). */
  result(line: string): void;
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

export function terminalOutput(quiet: boolean): Output {
  const tty = Boolean(process.stderr.isTTY) && !quiet;
  return {
    result: (l) => process.stdout.write(`${l}\n`),
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
