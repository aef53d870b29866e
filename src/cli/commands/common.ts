// Options and helpers shared by commands: the store location, the models folder, --quiet, --json,
// and the rendering of an ingest summary.

import type { Argv } from 'yargs';
import { DEFAULT_DB, rejectLine, resolveDbPath, Store, type ContinuousSeries, type IngestSummary } from '../../data/index.js';
import { removeStoreFiles, type OpenOptions } from '../../data/store.js';
import { checkDateOrder, checkGivenValues, wholeNumberOption } from '../options.js';
import { table, terminalOutput, type Output } from '../output.js';

/** --models's default, the folder that holds model folders (bft train writes there, bft predict reads). */
export const DEFAULT_MODELS_DIR = 'models';

export interface StoreArgs {
  db?: string | undefined;
  quiet: boolean;
}

export interface JsonArgs {
  json: boolean;
}

export function withStoreOptions<T>(y: Argv<T>): Argv<T & StoreArgs> {
  return y
    // the version is bft's, not a command's: only `bft --version` shows it
    .version(false)
    .option('db', { type: 'string', describe: `DuckDB store file, or :memory: (default: $BFT_DB, else ${DEFAULT_DB})` })
    .option('quiet', { type: 'boolean', default: false, alias: 'q', describe: 'no progress or status lines (for CI)' })
    // before the command's own checks, so `--from` with no value says so rather than "not a date"
    .middleware((a) => {
      checkGivenValues(a);
      checkDateOrder(a);
    }, true) as Argv<T & StoreArgs>;
}

/**
 * --json for a command that prints a result: stdout then holds one JSON document, `what`, instead
 * of text; status lines and progress stay on stderr (and --quiet still hides them).
 */
export function withJsonOption<T>(y: Argv<T>, what: string): Argv<T & JsonArgs> {
  return y.option('json', { type: 'boolean', default: false, describe: `one JSON document on stdout instead of text: ${what}; status lines stay on stderr` }) as Argv<T & JsonArgs>;
}

export interface ThreadsArgs {
  threads?: number | undefined;
}

/**
 * --threads N: threads for the fused recurrent kernel on the wasm backend (models/backend.ts
 * setKernelThreads). Default 1, whose results are the same to the bit on any machine; N > 1 is
 * faster, equal within float rounding, and reproducible for the same N.
 */
export function withThreadsOption<T>(y: Argv<T>, what: string): Argv<T & ThreadsArgs> {
  return y
    .option('threads', {
      type: 'number',
      describe: `threads for the fused recurrent kernel on the wasm backend, ${what} (default 1: results the same to the bit on any machine; N splits each batch over N threads: faster, the same within float rounding, reproducible for the same N)`,
    })
    .coerce('threads', wholeNumberOption('threads', 1)) as unknown as Argv<T & ThreadsArgs>;
}

/**
 * Opens the store and the terminal output for a command (text, or one JSON document under
 * --json), runs it, and always closes the store.
 * A command that only reads opens it read-only and never creates one; a command that fails
 * leaves no store behind where there was none.
 */
export async function withStore<T>(args: StoreArgs & Partial<JsonArgs>, run: (store: Store, out: Output) => Promise<T>, how: OpenOptions = {}): Promise<T> {
  const out = terminalOutput(args.quiet, args.json === true);
  const store = await Store.open(resolveDbPath(args.db), how);
  if (store.report.recoveredWal) {
    out.warn(`store ${store.path} was not closed cleanly (a process was stopped while writing): its committed work was kept, anything it had not committed was discarded`);
  }
  let done = false;
  try {
    const result = await run(store, out);
    done = true;
    return result;
  } finally {
    store.close();
    if (!done && store.report.created) removeStoreFiles(store.path, store.report.createdDir);
  }
}

/** withStore for a command that only reads: an existing store, opened read-only. */
export function withStoreToRead<T>(args: StoreArgs & Partial<JsonArgs>, run: (store: Store, out: Output) => Promise<T>): Promise<T> {
  return withStore(args, run, { mode: 'read' });
}

/** withStore for a command that writes to a store that must exist already (it reads its bars first). */
export function withExistingStore<T>(args: StoreArgs & Partial<JsonArgs>, run: (store: Store, out: Output) => Promise<T>): Promise<T> {
  return withStore(args, run, { mode: 'write', create: false });
}

/**
 * Examples in the epilogue, each command on a line of its own with its note below: yargs' own
 * example column breaks a long command in the middle.
 */
export function withExamples<T>(y: Argv<T>, examples: readonly (readonly [command: string, note: string])[]): Argv<T> {
  return y.epilogue(`Examples:\n${examples.map(([c, n]) => `  ${c}\n      ${n}`).join('\n')}`);
}

export function printIngestSummary(out: Output, s: IngestSummary): void {
  out.info(
    table(
      ['file', 'layout', 'interval', 'rows', 'rejected', 'collapsed'],
      s.files.map((f) => [f.path.split(/[\\/]/).pop() ?? f.path, f.layout, f.intervalMin === null ? '-' : `${f.intervalMin}m ${f.stamp}-stamped`, f.rowsRead, f.rejected, f.collapsed]),
    ),
  );
  out.result(
    `ingest ${s.ingestId} (${s.kind}): ${s.rowsRead} rows read, ${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected, ${s.collapsed} identical duplicates collapsed`,
  );
  const fields = (counts: Readonly<Record<string, number | undefined>>): string =>
    Object.entries(counts)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
  if (Object.keys(s.changedFields).length > 0) out.result(`stored values replaced: ${fields(s.changedFields)}`);
  if (Object.keys(s.filledFields).length > 0) out.result(`empty stored fields filled: ${fields(s.filledFields)}`);
  const codes = Object.entries(s.rejectsByCode);
  if (codes.length > 0) {
    out.result(`rejects by reason: ${codes.map(([c, n]) => `${c} ${n}`).join(', ')} (all in the rejects table)`);
    for (const r of s.samples) out.result(`  ${rejectLine(r)}`);
  }
  const inferred = s.resolutions.filter((r) => r.method !== 'daily_match').length;
  if (s.resolutions.length > 0) {
    out.result(`contracts of ${s.resolutions.length} splice days: ${s.resolutions.length - inferred} matched to daily bars, ${inferred} inferred or unresolved (see contract_resolution)`);
  }
}

/** A continuous series in brief, as an ingest or synth document lists what it rebuilt. */
export interface ContinuousBrief {
  readonly product: string;
  readonly rule: string;
  readonly adjust: string;
  readonly days: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly rolls: number;
  readonly nextMain: string | null;
}

export function continuousBrief(s: ContinuousSeries): ContinuousBrief {
  return { product: s.product, rule: s.rule, adjust: s.adjust, days: s.rows.length, from: s.rows[0]?.date ?? null, to: s.rows.at(-1)?.date ?? null, rolls: s.rolls.length, nextMain: s.nextMain };
}
