// The desk's evening on a synthetic store: models trained when the schedule says, signals kept with
// their revisions, a product without intraday bars served by a daily-only model, and the live track
// record read back against the moves that followed.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/data/index.js';
import { resolveDeskConfig, type DeskConfig } from '../../src/signals/config.js';
import { runEvening, tradingDaysBefore } from '../../src/signals/desk.js';
import { signalHistory } from '../../src/signals/history.js';
import { tempDir } from '../helpers/fixtures.js';
import { synthStore } from '../helpers/market.js';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
let desk: DeskConfig;
const TINY = { units: 8, head: [8] };
const TRAIN = { validationDays: 30, epochs: 2, batchSize: 32, patience: 2 };

beforeAll(async () => {
  store = await synthStore();
  // TF gets no intraday bars at all: only a daily-only model can serve it.
  await store.run(`DELETE FROM bars_minute WHERE product = 'TF'`);
  tmp = tempDir('bft-desk-');
  mkdirSync(join(tmp.dir, 'experiments'));
  const experiment = (name: string, body: unknown): void => writeFileSync(join(tmp.dir, 'experiments', `${name}.json`), JSON.stringify(body));
  experiment('desk-t', { seed: 3, backend: 'wasm', dataset: { product: 'T', minuteFeatures: ['ret', 'range', 'vol_share', 'signed_vol', 'mask'], dailyFeatures: ['ret_1', 'range', 'vol_chg_z'] }, model: { preset: 'dual-gru', ...TINY }, train: TRAIN });
  experiment('desk-tf', { seed: 3, backend: 'wasm', dataset: { product: 'TF', dailyFeatures: ['ret_1', 'range', 'vol_chg_z'] }, model: { preset: 'daily-gru', ...TINY }, train: TRAIN });
  desk = resolveDeskConfig(
    { models: 'models', risk: { budgetCny: 50_000, volDays: 10 }, products: { TF: { experiment: 'experiments/desk-tf.json' }, T: { experiment: 'experiments/desk-t.json', retrain: { every: 'month' } } } },
    join(tmp.dir, 'desk.json'),
  );
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('the desk\'s evening', () => {
  it('trains the first models, signals every product and keeps the signals; the same evening again changes nothing', async () => {
    const first = await runEvening(store, desk, { asOf: '2019-05-06' });
    expect(first.map((e) => [e.product, e.error, e.retrain.due, e.retrain.reason, e.recorded?.action, e.recorded?.revision])).toEqual([
      ['TF', null, true, 'no model yet', 'new', 1],
      ['T', null, true, 'no model yet', 'new', 1],
    ]);
    const [tf, t] = first.map((e) => e.signal!);
    expect(tf!.minuteContract).toBeNull(); // daily-only
    expect(t!.minuteContract).not.toBeNull();
    expect(tf!.model.trainedThrough < '2019-05-06').toBe(true);
    const again = await runEvening(store, desk, { asOf: '2019-05-06' });
    expect(again.map((e) => [e.retrain.due, e.recorded?.action, e.recorded?.revision])).toEqual([
      [false, 'unchanged', 1],
      [false, 'unchanged', 1],
    ]);
    expect(again[1]!.signal).toEqual(t);
    const rows = await store.all<{ n: bigint }>(`SELECT count(*) AS n FROM signals`);
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it('keeps a different signal for the same evening as a revision with its reason, never overwriting', async () => {
    const forced = await runEvening(store, desk, { asOf: '2019-05-06', products: ['T'], retrain: 'always' });
    const r = forced[0]!;
    expect(r.retrain.trained).toMatch(/^desk-t\//);
    expect(r.recorded!.action).toBe('revised');
    expect(r.recorded!.revision).toBe(2);
    expect(r.recorded!.reason).toMatch(/^model desk-t\/\S+ replaces desk-t\/\S+/);
    const kept = await store.all<{ revision: number; model_id: string }>(`SELECT revision, model_id FROM signals WHERE product = 'T' AND as_of = DATE '2019-05-06' ORDER BY revision`);
    expect(kept.map((k) => Number(k.revision))).toEqual([1, 2]);
    expect(kept[0]!.model_id).not.toBe(kept[1]!.model_id);
  });

  it('retrains by the schedule: the month\'s model serves its month, a new month gets a new one', async () => {
    const sameMonth = await runEvening(store, desk, { asOf: '2019-05-20', products: ['T'] });
    expect(sameMonth[0]!.retrain.due).toBe(false);
    const june = await runEvening(store, desk, { asOf: '2019-06-03', products: ['T'] });
    expect(june[0]!.retrain).toMatchObject({ due: true, reason: expect.stringMatching(/^retrain every month: the model was made for 2019-05-0\d, this is 2019-06-03$/) as unknown as string });
    expect(june[0]!.signal!.model.trainedThrough).toBe('2019-05-31');
  });

  it('one product\'s missing session does not stop the others, and says what is missing', async () => {
    await store.run(`CREATE TEMP TABLE keep AS SELECT * FROM bars_minute WHERE trade_date = DATE '2019-06-04'`);
    try {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '2019-06-04'`);
      const e = await runEvening(store, desk, { asOf: '2019-06-04', retrain: 'never' });
      expect(e[0]!.error).toBeNull();
      expect(e[1]!.signal).toBeNull();
      expect(e[1]!.error).toMatch(/^no signal for T as of 2019-06-04: no 5-minute bars of T19\d\d/);
    } finally {
      await store.run(`INSERT INTO bars_minute SELECT * FROM keep; DROP TABLE keep`);
    }
  });

  it('the track record: the standing revision per evening, the move that followed, hit rate and P&L', async () => {
    for (const asOf of ['2019-06-05', '2019-06-06', '2019-06-10', '2019-06-11']) await runEvening(store, desk, { asOf, products: ['T'], retrain: 'never' });
    const h = await signalHistory(store, { product: 'T', from: '2019-06-01' });
    expect(h.rows.map((r) => r.asOf)).toEqual(['2019-06-03', '2019-06-05', '2019-06-06', '2019-06-10', '2019-06-11']);
    for (const r of h.rows) {
      const [c0, c1] = await store.all<{ close: number }>(
        `SELECT close FROM bars_daily WHERE contract = $1 AND trade_date >= $2::DATE ORDER BY trade_date LIMIT 2`,
        [r.contract, r.asOf],
      );
      const move = (c1!.close - c0!.close) / 0.005;
      expect(r.moveTicks).toBeCloseTo(move, 6);
      const side = r.direction === 'long' ? 1 : r.direction === 'short' ? -1 : 0;
      expect(r.pnlTicks).toBeCloseTo(side * move, 6);
      expect(r.pnlCny).toBeCloseTo(r.contracts * move * 50, 4);
    }
    const rec = h.record[0]!;
    expect(rec.signals).toBe(5);
    expect(rec.pnlCny).toBeCloseTo(h.rows.reduce((a, r) => a + r.pnlCny!, 0), 4);
    expect(rec.hitRate).toBe(h.rows.filter((r) => r.hit).length / rec.scored);
    // the whole history holds the standing revision only: 2019-05-06 appears once, at revision 2
    const all = await signalHistory(store, { product: 'T' });
    expect(all.rows.filter((r) => r.asOf === '2019-05-06').map((r) => r.revision)).toEqual([2]);
  });

  it('newer bars after an evening do not revise its signal; only a different result or model does', async () => {
    await store.run(`CREATE TEMP TABLE later AS SELECT * FROM bars_daily WHERE trade_date > DATE '2019-06-20'`);
    try {
      await store.run(`DELETE FROM bars_daily WHERE trade_date > DATE '2019-06-20'`);
      const e = await runEvening(store, desk, { asOf: '2019-06-05', products: ['T'], retrain: 'never' });
      expect(e[0]!.signal!.data.dailyThrough).toBe('2019-06-20');
      expect(e[0]!.recorded).toMatchObject({ action: 'unchanged', revision: 1 });
    } finally {
      await store.run(`INSERT INTO bars_daily SELECT * FROM later; DROP TABLE later`);
    }
  });

  it('with retraining left out, a model the schedule wants replaced serves and is called stale', async () => {
    // TF's only model was made for 2019-05-06; June's schedule wants a new one
    const e = await runEvening(store, desk, { asOf: '2019-06-12', products: ['TF'], retrain: 'never' });
    expect(e[0]!.signal).not.toBeNull();
    expect(e[0]!.stale).toBe('retrain every month: the model was made for 2019-05-06, this is 2019-06-12');
    const t = await runEvening(store, desk, { asOf: '2019-06-12', products: ['T'], retrain: 'never' });
    expect(t[0]!.stale).toBeNull();
  });

  it('counts a training window back in trading days', () => {
    expect(tradingDaysBefore('2019-05-06', 1)).toBe('2019-04-30'); // May Day holidays between
  });
});
