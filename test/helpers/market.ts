// A small synthetic market in a fresh in-memory store, loaded through the real ingest: the
// starting point of dataset, training and prediction tests.

import { ingest, Store } from '../../src/data/index.js';
import { writeSynthMarket, type SynthOptions } from '../../src/synth/index.js';
import { tempDir } from './fixtures.js';

export const SMALL_MARKET: SynthOptions = {
  from: '2018-09-01',
  to: '2019-06-30',
  seed: 11,
  products: ['TF', 'T'],
  signal: 'minute',
  minute: 'active',
  intervalMin: 5,
};

/** Generates `opts` and ingests it (daily, then intraday) into a new store (default :memory:). */
export async function synthStore(opts: Partial<SynthOptions> = {}, path = ':memory:'): Promise<Store> {
  const tmp = tempDir('bft-market-');
  try {
    const files = await writeSynthMarket({ ...SMALL_MARKET, ...opts }, tmp.dir);
    const store = await Store.open(path);
    await ingest(store, { kind: 'daily', files: [files.dailyCsv] });
    if (files.minuteCsv) await ingest(store, { kind: 'minute', files: [files.minuteCsv] });
    return store;
  } finally {
    tmp.cleanup();
  }
}
