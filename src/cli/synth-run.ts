// Synthesising into a store, shared by bft synth and bft demo: the synth options of the command line
// and a seeded synthetic market, written as CSV files and loaded through the same ingest.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { continuousKeysFor, ingest, refreshContinuous, type IngestSummary, type Store } from '../data/index.js';
import { PRODUCTS, type Product } from '../market/specs.js';
import { DEFAULT_DESIGN, DEFAULT_SYNTH, DESIGN_DEFS, DESIGNS, resolveSynthOptions, writeSynthMarket, type Design, type SynthOptions } from '../synth/index.js';
import { MODEL } from '../synth/model.js';
import { continuousBrief, printIngestSummary, withJsonOption, withStoreOptions, type ContinuousBrief, type JsonArgs, type StoreArgs } from './commands/common.js';
import { dateOption, wholeNumberOption } from './options.js';
import type { Output } from './output.js';

export interface SynthArgs extends StoreArgs, JsonArgs {
  from: string;
  to: string;
  seed: number;
  signal: SynthOptions['signal'];
  design: Design;
  signalRho: number;
  regimeDrift: boolean;
  minute: SynthOptions['minute'];
  interval: number;
  product: Product[];
  out?: string | undefined;
  replace: boolean;
}

/** The synth options (shared with `bft demo`); `jsonWhat` says what its --json document holds. */
export function withSynthOptions<T>(y: Argv<T>, jsonWhat: string): Argv<T & SynthArgs> {
  return withJsonOption(withStoreOptions(y), jsonWhat)
    .option('from', { type: 'string', default: DEFAULT_SYNTH.from, describe: 'first date (YYYY-MM-DD)' })
    .option('to', { type: 'string', default: DEFAULT_SYNTH.to, describe: 'last date (YYYY-MM-DD)' })
    .option('seed', { type: 'number', default: DEFAULT_SYNTH.seed, describe: 'random seed: same seed, same market' })
    .option('signal', { choices: ['minute', 'none'] as const, default: DEFAULT_SYNTH.signal, describe: 'planted truth: a weak minute-bar signal for the next day, or no predictability' })
    .option('design', {
      choices: DESIGNS,
      default: DEFAULT_DESIGN,
      describe: `with --signal minute: where the latent shows in the minute bars (src/synth/README.md): ${DESIGNS.map((d) => `${d}: ${DESIGN_DEFS[d].summary}`).join('; ')}`,
    })
    .option('signal-rho', {
      type: 'number',
      default: MODEL.signal.rho,
      describe: `with --signal minute: the planted latent's correlation with the next-day move; the suite uses ${MODEL.signal.suiteRho.join(' and ')} (the stronger for the demo)`,
    })
    .option('regime-drift', { type: 'boolean', default: true, describe: 'regimes drift (bull: yields fall, bear: rise); --no-regime-drift leaves only their volatility, so --signal none is a true null' })
    .option('minute', { choices: ['active', 'all', 'none'] as const, default: DEFAULT_SYNTH.minute, describe: 'contracts with intraday bars: the two with most open interest, all listed, or none' })
    .option('interval', { type: 'number', default: DEFAULT_SYNTH.intervalMin, describe: 'intraday bar interval in minutes (1, 3, 5 or 15)' })
    .option('product', { choices: PRODUCTS, array: true, default: [...DEFAULT_SYNTH.products], describe: 'products to generate' })
    .option('out', { type: 'string', describe: 'keep the generated CSV files (and truth.json) in this folder' })
    .option('replace', { type: 'boolean', default: false, describe: 'overwrite bars the store holds with other values (another seed or other options; else refused as conflicts)' })
    .coerce('from', dateOption('from'))
    .coerce('to', dateOption('to'))
    .coerce('seed', wholeNumberOption('seed', 0)) as unknown as Argv<T & SynthArgs>;
}

/** The synth options of the command line, checked (a BftError names the bad one) before any store is opened. */
export function synthOptionsOf(args: SynthArgs): SynthOptions {
  return resolveSynthOptions({
    from: args.from,
    to: args.to,
    seed: args.seed,
    signal: args.signal,
    design: args.design,
    signalRho: args.signalRho,
    regimeDrift: args.regimeDrift,
    minute: args.minute,
    intervalMin: args.interval,
    products: args.product,
  });
}

/** What `bft synth` did, as its --json document (and `bft demo`'s first part). */
export interface SynthDocument {
  readonly store: string;
  /** The options the market was generated with, defaults filled in. */
  readonly options: SynthOptions;
  readonly generated: { readonly dailyRows: number; readonly minuteRows: number; readonly seconds: number };
  /** The daily ingest, then the intraday one (when there are intraday bars). */
  readonly ingests: readonly IngestSummary[];
  readonly continuous: readonly ContinuousBrief[];
  /** The folder holding the generated files and truth.json under --out; null when they were removed. */
  readonly kept: { readonly dir: string; readonly truth: string } | null;
}

/** Generates the market, ingests daily then intraday bars, rebuilds the continuous series. */
export async function synthIntoStore(store: Store, opts: SynthOptions, how: { keepIn?: string | undefined; replace: boolean }, out: Output): Promise<SynthDocument> {
  const keepIn = how.keepIn;
  const dir = keepIn ? resolve(keepIn) : mkdtempSync(join(tmpdir(), 'bft-synth-'));
  try {
    const bar = out.progress('generate', 1);
    const t0 = performance.now();
    const written = await writeSynthMarket(opts, dir, (done, total) => bar.update(done, total)).finally(() => bar.stop());
    const genS = (performance.now() - t0) / 1000;
    out.info(`generated ${written.dailyRows} daily and ${written.minuteRows} intraday rows in ${genS.toFixed(1)} s (seed ${opts.seed}, signal ${opts.signal}${opts.signal === 'minute' ? `, design ${opts.design ?? DEFAULT_DESIGN}` : ''}${opts.signal === 'minute' && opts.signalRho !== undefined ? `, rho ${opts.signalRho}` : ''}${opts.regimeDrift === false ? ', no regime drift' : ''})`);
    const ingests: IngestSummary[] = [];
    for (const [kind, file] of [['daily', written.dailyCsv], ['minute', written.minuteCsv]] as const) {
      if (file === null) continue;
      const summary = await ingest(store, { kind, files: [file], replace: how.replace });
      printIngestSummary(out, summary);
      ingests.push(summary);
    }
    const series = await refreshContinuous(store, await continuousKeysFor(store, opts.products));
    out.info(`continuous series: ${series.map((s) => `${s.product} ${s.rolls.length} rolls`).join(', ')}`);
    if (keepIn) out.info(`files kept in ${dir} (truth in ${written.truthJson})`);
    return {
      store: store.path,
      options: opts,
      generated: { dailyRows: written.dailyRows, minuteRows: written.minuteRows, seconds: Number(genS.toFixed(3)) },
      ingests,
      continuous: series.map(continuousBrief),
      kept: keepIn ? { dir, truth: written.truthJson } : null,
    };
  } finally {
    if (!keepIn) rmSync(dir, { recursive: true, force: true });
  }
}
