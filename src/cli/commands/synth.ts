// bft synth: a seeded synthetic market, written as CSV files and loaded through the same ingest.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { continuousKeysFor, ingest, refreshContinuous, type Store } from '../../data/index.js';
import { PRODUCTS, type Product } from '../../market/specs.js';
import { DEFAULT_SYNTH, writeSynthMarket, type SynthOptions } from '../../synth/index.js';
import { MODEL } from '../../synth/model.js';
import type { Output } from '../output.js';
import { printIngestSummary, withStore, withStoreOptions, type StoreArgs } from './common.js';

export interface SynthArgs extends StoreArgs {
  from: string;
  to: string;
  seed: number;
  signal: SynthOptions['signal'];
  signalRho?: number | undefined;
  regimeDrift: boolean;
  minute: SynthOptions['minute'];
  interval: number;
  product: Product[];
  out?: string | undefined;
}

export function withSynthOptions<T>(y: Argv<T>): Argv<T & SynthArgs> {
  return withStoreOptions(y)
    .option('from', { type: 'string', default: DEFAULT_SYNTH.from, describe: 'first date (YYYY-MM-DD)' })
    .option('to', { type: 'string', default: DEFAULT_SYNTH.to, describe: 'last date (YYYY-MM-DD)' })
    .option('seed', { type: 'number', default: DEFAULT_SYNTH.seed, describe: 'random seed: same seed, same market' })
    .option('signal', { choices: ['minute', 'none'] as const, default: DEFAULT_SYNTH.signal, describe: 'planted truth: a weak minute-bar signal for the next day, or no predictability' })
    .option('signal-rho', { type: 'number', describe: `with --signal minute: the planted latent's correlation with the next-day move (default ${MODEL.signal.rho})` })
    .option('regime-drift', { type: 'boolean', default: true, describe: 'regimes drift (bull: yields fall, bear: rise); --no-regime-drift leaves only their volatility, so --signal none is a true null' })
    .option('minute', { choices: ['active', 'all', 'none'] as const, default: DEFAULT_SYNTH.minute, describe: 'contracts with intraday bars: the two with most open interest, all listed, or none' })
    .option('interval', { type: 'number', default: DEFAULT_SYNTH.intervalMin, describe: 'intraday bar interval in minutes (1, 3, 5 or 15)' })
    .option('product', { choices: PRODUCTS, array: true, default: [...DEFAULT_SYNTH.products], describe: 'products to generate' })
    .option('out', { type: 'string', describe: 'keep the generated CSV files (and truth.json) in this folder' }) as unknown as Argv<T & SynthArgs>;
}

/** Generates the market, ingests daily then intraday bars, rebuilds the continuous series. */
export async function synthIntoStore(store: Store, args: SynthArgs, out: Output): Promise<void> {
  const opts: SynthOptions = {
    from: args.from,
    to: args.to,
    seed: args.seed,
    signal: args.signal,
    signalRho: args.signalRho,
    regimeDrift: args.regimeDrift,
    minute: args.minute,
    intervalMin: args.interval,
    products: args.product,
  };
  const dir = args.out ? resolve(args.out) : mkdtempSync(join(tmpdir(), 'bft-synth-'));
  try {
    const bar = out.progress('generate', 1);
    const t0 = performance.now();
    const files = await writeSynthMarket(opts, dir, (done, total) => bar.update(done, total)).finally(() => bar.stop());
    const genS = (performance.now() - t0) / 1000;
    out.info(`generated ${files.dailyRows} daily and ${files.minuteRows} intraday rows in ${genS.toFixed(1)} s (seed ${opts.seed}, signal ${opts.signal}${opts.signal === 'minute' && opts.signalRho !== undefined ? `, rho ${opts.signalRho}` : ''}${opts.regimeDrift === false ? ', no regime drift' : ''})`);
    printIngestSummary(out, await ingest(store, { kind: 'daily', files: [files.dailyCsv] }));
    if (files.minuteCsv) printIngestSummary(out, await ingest(store, { kind: 'minute', files: [files.minuteCsv] }));
    const series = await refreshContinuous(store, await continuousKeysFor(store, opts.products));
    out.info(`continuous series: ${series.map((s) => `${s.product} ${s.rolls.length} rolls`).join(', ')}`);
    if (args.out) out.info(`files kept in ${dir} (truth in ${files.truthJson})`);
  } finally {
    if (!args.out) rmSync(dir, { recursive: true, force: true });
  }
}

export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'generate a seeded synthetic TS/TF/T/TL market (planted truth documented) and ingest it',
  builder: (y: Argv) => withSynthOptions(y) as unknown as Argv<SynthArgs>,
  handler: (args) =>
    withStore(args, async (store, out) => {
      await synthIntoStore(store, args, out);
    }),
};
