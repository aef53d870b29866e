// A desk signal on a synthetic store: reproducible, made from the bars of its evening and before
// only, checked against the data, and refusing a model that saw that evening's outcome.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/data/index.js';
import { buildContinuous, loadDailyBars } from '../../src/data/index.js';
import { BftError } from '../../src/errors.js';
import { resolveExperiment, trainExperiment } from '../../src/timing/index.js';
import { computeSignal, type DeskSignal } from '../../src/signals/compute.js';
import { tempDir } from '../helpers/fixtures.js';
import { synthStore } from '../helpers/market.js';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
let modelDir: string;
const TRAINED_TO = '2019-04-30';
const AS_OF = '2019-05-10';

beforeAll(async () => {
  store = await synthStore();
  tmp = tempDir('bft-signal-');
  const experiment = resolveExperiment(
    {
      seed: 3,
      backend: 'wasm',
      dataset: { product: 'T', minuteFeatures: ['ret', 'range', 'vol_share', 'signed_vol', 'mask'], dailyFeatures: ['ret_1', 'range', 'vol_chg_z'] },
      model: { preset: 'dual-gru', units: 8, head: [8] },
      train: { to: TRAINED_TO, validationDays: 30, epochs: 2, batchSize: 32, patience: 2 },
    },
    'desk-t',
  );
  modelDir = (await trainExperiment({ store, experiment, modelsDir: tmp.dir, id: 'm1' })).dir;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const signal = (asOf: string | undefined = AS_OF): Promise<DeskSignal> => computeSignal({ store, product: 'T', modelDir, asOf, budgetCny: 200_000, volDays: 20 });

/** Runs `body` with the store's bars as they are now restored afterwards. */
async function withBarsRestored(body: () => Promise<void>): Promise<void> {
  await store.run('CREATE TEMP TABLE keep_daily AS SELECT * FROM bars_daily; CREATE TEMP TABLE keep_minute AS SELECT * FROM bars_minute');
  try {
    await body();
  } finally {
    await store.run('DELETE FROM bars_daily; INSERT INTO bars_daily SELECT * FROM keep_daily; DROP TABLE keep_daily');
    await store.run('DELETE FROM bars_minute; INSERT INTO bars_minute SELECT * FROM keep_minute; DROP TABLE keep_minute');
  }
}

describe('desk signal', () => {
  it('gives the next trading day\'s call with its contract, blend, position and model', async () => {
    const s = await signal();
    expect(s).toMatchObject({ product: 'T', asOf: AS_OF, forDate: '2019-05-13', model: { name: 'desk-t', id: 'm1', preset: 'dual-gru' }, data: { dailyThrough: '2019-06-28', intervalMin: 5 } });
    expect(s.model.trainedThrough < AS_OF).toBe(true);
    expect(s.pUp).toBeGreaterThan(0);
    expect(s.pUp).toBeLessThan(1);
    expect(s.confidence).toBeCloseTo(Math.abs(2 * s.pUp - 1), 12);
    expect(s.contract).toMatch(/^T19(06|09)$/);
    expect(s.minuteContract).toMatch(/^T19(06|09)$/);
    expect(s.combination.parts.map((p) => p.name)).toEqual(['dual-gru', 'mom20', 'mom60', 'ma5_20', 'brk20']);
    expect(s.direction).toBe(s.combination.value > 0 ? 'long' : s.combination.value < 0 ? 'short' : 'flat');
    expect(s.position.tickValue).toBe(50);
    expect(s.position.days).toBe(20);
    expect(Math.abs(s.position.contracts)).toBe(Math.floor(200_000 / s.position.riskPerContractCny));
    expect(Math.sign(s.position.contracts)).toBe(s.combination.direction);
    expect(s.warnings).toEqual([]);
    // the same evening again: the same signal
    expect(await signal()).toEqual(s);
  });

  it('reads no bar after its evening: rewriting every later bar changes nothing', async () => {
    const before = await signal();
    await withBarsRestored(async () => {
      await store.run(`UPDATE bars_daily SET close = close * 1.01, settle = settle * 1.01, volume = volume * 3, open_interest = open_interest * 2 WHERE trade_date > DATE '${AS_OF}'`);
      await store.run(`UPDATE bars_minute SET close = close * 0.99, volume = volume * 5 WHERE trade_date > DATE '${AS_OF}'`);
      expect(await signal()).toEqual(before);
    });
  });

  it('refuses a model trained on samples whose labels need the as-of day\'s bars or later', async () => {
    await expect(signal('2019-04-25')).rejects.toThrow(/was trained on samples through 2019-04-\d\d, whose labels need the bars of the day after: it cannot make a signal as of 2019-04-25/);
  });

  it('says in one line what is missing: a day without a daily bar, a session without intraday bars', async () => {
    await expect(signal('2019-07-15')).rejects.toThrow(/no daily bar of T on 2019-07-15 \(its daily bars end 2019-06-28\)/);
    await withBarsRestored(async () => {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${AS_OF}'`);
      const e = await signal().catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'no_data' });
      expect((e as BftError).message).toMatch(new RegExp(`^no signal for T as of ${AS_OF}: no 5-minute bars of T19\\d\\d`));
    });
  });

  it('warns when the evening\'s session is short of bars', async () => {
    const full = await signal();
    await withBarsRestored(async () => {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${AS_OF}' AND contract = '${full.minuteContract}' AND hour(ts) = 14 AND minute(ts) > 40`);
      const short = await signal();
      // 2019 sessions opened at 09:15: 54 five-minute bars, three of them taken away
      expect(short.warnings).toEqual([`the ${full.minuteContract} session of ${AS_OF} has 51 of 54 5-minute bars: the model read it with the missing ones empty`]);
      expect(full.warnings).toEqual([]);
    });
  });

  it('on a roll day whose new main contract has no intraday bars, reads the old one\'s session', async () => {
    const series = buildContinuous('T', await loadDailyBars(store, 'T'));
    const roll = series.rolls.find((r) => r.effective > TRAINED_TO)!;
    expect(roll).toBeDefined();
    await withBarsRestored(async () => {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${roll.effective}' AND contract = '${roll.to}'`);
      const s = await signal(roll.effective);
      expect(s.minuteContract).toBe(roll.from);
      expect(s.contract).toBe(roll.to);
    });
  });

  it('warns when the daily and intraday bars end on different days', async () => {
    await withBarsRestored(async () => {
      await store.run(`DELETE FROM bars_daily WHERE trade_date > DATE '${AS_OF}'`);
      const s = await signal(undefined);
      expect(s.asOf).toBe(AS_OF);
      expect(s.warnings).toEqual([`the T daily bars end ${AS_OF} but its 5-minute bars end 2019-06-28: ingest the daily bars that are missing`]);
    });
  });
});
