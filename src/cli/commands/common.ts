// Options and helpers shared by commands: the store location, --quiet, and the rendering of an
// ingest summary.

import type { Argv } from 'yargs';
import { DEFAULT_DB, rejectLine, resolveDbPath, Store, type IngestSummary } from '../../data/index.js';
import { table, terminalOutput, type Output } from '../output.js';

export interface StoreArgs {
  db?: string | undefined;
  quiet: boolean;
}

export function withStoreOptions<T>(y: Argv<T>): Argv<T & StoreArgs> {
  return y
    .option('db', { type: 'string', describe: `DuckDB store file, or :memory: (default: $BFT_DB, else ${DEFAULT_DB})` })
    .option('quiet', { type: 'boolean', default: false, alias: 'q', describe: 'no progress or status lines (for CI)' }) as Argv<T & StoreArgs>;
}

async function openStore(args: StoreArgs): Promise<Store> {
  return Store.open(resolveDbPath(args.db));
}

/** Opens the store and the terminal output for a command, runs it, and always closes the store. */
export async function withStore<T>(args: StoreArgs, run: (store: Store, out: Output) => Promise<T>): Promise<T> {
  const out = terminalOutput(args.quiet);
  const store = await openStore(args);
  try {
    return await run(store, out);
  } finally {
    store.close();
  }
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
