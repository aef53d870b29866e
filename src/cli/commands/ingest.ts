// bft ingest daily|minute FILE...

import type { Argv, CommandModule } from 'yargs';
import { continuousKeysFor, ingest, parseMap, refreshContinuous, type BarKind, type IngestPhase } from '../../data/index.js';
import { PRODUCTS, type Product } from '../../market/specs.js';
import { shareOption, wholeNumberOption } from '../options.js';
import { continuousBrief, printIngestSummary, withExamples, withJsonOption, withStore, withStoreOptions, type JsonArgs, type StoreArgs } from './common.js';

interface IngestArgs extends StoreArgs, JsonArgs {
  kind: BarKind;
  files: string[];
  product?: Product | undefined;
  map?: string[] | undefined;
  stamp: 'auto' | 'start' | 'end';
  interval?: number | undefined;
  'max-reject-share': number;
  replace: boolean;
}

const PHASES: readonly IngestPhase[] = ['read', 'stamps', 'contracts', 'validate', 'write', 'log'];

export const ingestCommand: CommandModule<object, IngestArgs> = {
  command: 'ingest <kind> <files..>',
  describe: 'validate bar files (CSV or Parquet) and load them into the store in one transaction',
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'the ingest summary (counts, per-file layout, rejects by reason with samples, continuous series rebuilt)'), [
      ['bft ingest daily ../shared/data/cffex-tbf-daily-contracts/*.csv', 'every TS/TF/T/TL contract, daily'],
      ['bft ingest minute --product T ../shared/data/cffex-tbf-5min-main/T_10y_5min_3y.csv', 'a 5-minute main-contract splice'],
    ])
      .positional('kind', { choices: ['daily', 'minute'] as const, demandOption: true, describe: 'daily bars or intraday (minute) bars' })
      .positional('files', { type: 'string', demandOption: true, default: undefined, describe: 'CSV (.csv, .csv.gz) or Parquet files' })
      .option('product', { choices: PRODUCTS, describe: 'product of a file with no contract column (a main-contract splice); also checks files that have one' })
      .option('map', { type: 'string', array: true, describe: 'column=field overrides (repeatable), e.g. --map code=symbol' })
      .option('stamp', { choices: ['auto', 'start', 'end'] as const, default: 'auto' as const, describe: 'minute bars stamped with their start or end time (auto: detect)' })
      .option('interval', { type: 'number', describe: 'minute bar interval in minutes (default: detected from the data)' })
      .option('max-reject-share', { type: 'number', default: 0.2, describe: 'abort, writing nothing, when more than this share of rows is rejected' })
      .option('replace', { type: 'boolean', default: false, describe: 'overwrite stored values that the files give differently (else such rows are rejected as conflicts)' })
      .coerce('max-reject-share', shareOption('max-reject-share'))
      .coerce('interval', wholeNumberOption('interval', 1))
      .check((a) => {
        // yargs does not enforce choices on positionals
        return a['kind'] === 'daily' || a['kind'] === 'minute' ? true : `Invalid values: kind "${String(a['kind'])}" (choices: daily, minute)`;
      }) as unknown as Argv<IngestArgs>,
  handler: (args) =>
    withStore(args, async (store, out) => {
      const bar = out.progress('ingest', PHASES.length);
      const summary = await ingest(store, {
        kind: args.kind,
        files: args.files,
        product: args.product,
        map: parseMap(args.map ?? []),
        stamp: args.stamp,
        intervalMin: args.interval,
        maxRejectShare: args['max-reject-share'],
        replace: args.replace,
        onPhase: (p) => bar.update(PHASES.indexOf(p) + 1),
      }).finally(() => bar.stop());
      printIngestSummary(out, summary);
      const series = args.kind === 'daily' && summary.inserted + summary.updated > 0 ? await refreshContinuous(store, await continuousKeysFor(store, summary.products)) : [];
      if (series.length > 0) out.info(`continuous series rebuilt: ${series.map((s) => `${s.product} (${s.rule}, ${s.adjust}: ${s.rolls.length} rolls)`).join(', ')}`);
      out.document({ store: store.path, ...summary, continuous: series.map(continuousBrief) });
    }),
};
