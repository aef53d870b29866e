// bft signal and bft signal history as a desk uses them: a real process, a store file, a desk config.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bftAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { SMALL_MARKET, synthStore } from '../helpers/market.js';
import { writeSynthMarket } from '../../src/synth/index.js';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let config: string;

beforeAll(async () => {
  tmp = tempDir('bft-signal-cli-');
  db = join(tmp.dir, 'store.duckdb');
  (await synthStore({}, db)).close();
  mkdirSync(join(tmp.dir, 'experiments'));
  const train = { validationDays: 30, epochs: 2, batchSize: 32, patience: 2 };
  writeFileSync(join(tmp.dir, 'experiments', 't.json'), JSON.stringify({ seed: 3, backend: 'wasm', dataset: { product: 'T', minuteFeatures: ['ret', 'signed_vol', 'mask'], dailyFeatures: ['ret_1', 'range'] }, model: { preset: 'dual-gru', units: 8, head: [8] }, train }));
  writeFileSync(join(tmp.dir, 'experiments', 'tf.json'), JSON.stringify({ seed: 3, backend: 'wasm', dataset: { product: 'TF', dailyFeatures: ['ret_1', 'range'] }, model: { preset: 'daily-gru', units: 8, head: [8] }, train }));
  config = join(tmp.dir, 'desk.json');
  writeFileSync(config, JSON.stringify({ models: 'models', risk: { budgetCny: 50000 }, products: { TF: { experiment: 'experiments/tf.json' }, T: { experiment: 'experiments/t.json' } } }));
}, 60_000);
afterAll(() => tmp?.cleanup());

describe('bft signal', () => {
  it('signals every product as JSON, keeps them, writes a CSV, and a re-run keeps nothing new', async () => {
    const csv = join(tmp.dir, 'signals.csv');
    const r = await bftAsync(['signal', '--db', db, '--config', config, '--asof', '2019-05-06', '--json', '--csv', csv]);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { products: { product: string; error: string | null; recorded: { action: string }; signal: { forDate: string; contract: string; position: { contracts: number } } }[] };
    expect(doc.products.map((p) => [p.product, p.error, p.recorded.action, p.signal.forDate])).toEqual([
      ['TF', null, 'new', '2019-05-07'],
      ['T', null, 'new', '2019-05-07'],
    ]);
    const lines = readFileSync(csv, 'utf8').split('\r\n');
    expect(lines[0]).toBe('product,as_of,for_date,contract,minute_contract,p_up,direction,confidence,blend,contracts,budget_cny,risk_per_contract_cny,model,trained_through,revision,warnings');
    expect(lines[2]).toMatch(new RegExp(`^T,2019-05-06,2019-05-07,${doc.products[1]!.signal.contract},T19\\d\\d,0\\.\\d+,(long|short|flat),`));
    const again = await bftAsync(['signal', '--db', db, '--config', config, '--asof', '2019-05-06']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/unchanged \(revision 1\)/);
    expect(again.out).toMatch(/contributions to the blend/);
    const history = await bftAsync(['signal', 'history', '--db', db, '--json']);
    expect(history.code).toBe(0);
    const h = JSON.parse(history.out) as { rows: { product: string; asOf: string; moveTicks: number }[]; record: { product: string; signals: number }[] };
    expect(h.rows.map((x) => [x.product, x.asOf])).toEqual([
      ['TF', '2019-05-06'],
      ['T', '2019-05-06'],
    ]);
    expect(h.rows.every((x) => Number.isFinite(x.moveTicks))).toBe(true);
    expect(h.record.map((x) => x.signals)).toEqual([1, 1]);
  }, 120_000);

  it('an evening without the product\'s daily bar gets no signal: one line, exit 4', async () => {
    const r = await bftAsync(['signal', '--db', db, '--config', config, '--asof', '2019-07-15', '--retrain', 'never', '--product', 'T']);
    expect(r.code).toBe(4);
    expect(r.err.trim().split('\n').pop()).toMatch(/^bft: no signal for T: no signal for T as of 2019-07-15: the store has no daily bar of T on 2019-07-15 \(its daily bars end 2019-06-28\)$/);
  }, 60_000);

  it('bad arguments exit 2 with one line and nothing on stdout', async () => {
    for (const args of [
      ['signal', '--db', db, '--config', config, '--asof', '2019-13-45'],
      ['signal', '--db', db, '--config', config, '--product', 'XX'],
      ['signal', '--db', db, '--config', join(tmp.dir, 'none.json')],
      ['signal', 'history', '--db', db, '--from', 'yesterday'],
      ['signal', 'history', '--db', db, '--from', '2019-06-05', '--to', '2019-06-01'],
      ['daily', '--db', db, '--config', config],
      ['daily', '--db', db, '--config', config, '--files'],
      ['serve', '--db', db, '--port', '70000'],
      ['serve', '--db', join(tmp.dir, 'no-store.duckdb')],
    ]) {
      const r = await bftAsync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toBe('');
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 60_000);
});

describe('bft daily', () => {
  it('ingests the evening\'s vendor files, then signals every product from the new bars', async () => {
    // A store whose bars stop two weeks early; the evening's folder holds the vendor's files.
    const db2 = join(tmp.dir, 'evening.duckdb');
    const store = await synthStore({}, db2);
    await store.run(`DELETE FROM bars_daily WHERE trade_date > DATE '2019-06-14'; DELETE FROM bars_minute WHERE trade_date > DATE '2019-06-14'`);
    store.close();
    const evening = join(tmp.dir, 'evening');
    const files = await writeSynthMarket(SMALL_MARKET, join(tmp.dir, 'vendor'));
    mkdirSync(join(evening, 'daily'), { recursive: true });
    mkdirSync(join(evening, 'minute'), { recursive: true });
    renameSync(files.dailyCsv, join(evening, 'daily', 'daily.csv'));
    renameSync(files.minuteCsv!, join(evening, 'minute', 'minute.csv'));
    const r = await bftAsync(['daily', '--files', evening, '--db', db2, '--config', config, '--json']);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { ingests: { kind: string; inserted: number }[]; products: { product: string; signal: { asOf: string } }[] };
    expect(doc.ingests.map((i) => i.kind)).toEqual(['daily', 'minute']);
    expect(doc.ingests.every((i) => i.inserted > 0)).toBe(true);
    expect(doc.products.map((p) => [p.product, p.signal.asOf])).toEqual([
      ['TF', '2019-06-28'],
      ['T', '2019-06-28'],
    ]);
    const none = await bftAsync(['daily', '--files', join(tmp.dir, 'nowhere'), '--db', db2, '--config', config]);
    expect([none.code, none.out, none.err.trim()]).toEqual([2, '', `bft: --files ${join(tmp.dir, 'nowhere')}: no such folder`]);
  }, 120_000);
});
