// bft signal and bft signal history as a desk uses them: a real process, a store file, a desk config.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bftAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { synthStore } from '../helpers/market.js';

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
      ['T', '2019-05-06'],
      ['TF', '2019-05-06'],
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
    ]) {
      const r = await bftAsync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toBe('');
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 60_000);
});
