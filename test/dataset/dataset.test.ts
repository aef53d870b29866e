import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/data/index.js';
import {
  buildDataset,
  datasetConfigSchema,
  fitScalers,
  loadContinuous,
  loadMarket,
  modelInputs,
  type DatasetConfig,
  type Dataset,
} from '../../src/dataset/index.js';
import { isoDate } from '../../src/market/calendar.js';
import { synthStore } from '../helpers/market.js';

let store: Store;
beforeAll(async () => {
  store = await synthStore();
});
afterAll(() => store.close());

async function build(cfg: DatasetConfig = {}, range: { from?: string; to?: string } = {}, s: Store = store): Promise<Dataset> {
  const resolved = datasetConfigSchema.parse(cfg);
  const market = await loadMarket(s, { product: resolved.product, intervalMin: resolved.intervalMin, to: range.to });
  return buildDataset(market, resolved, range);
}

describe('dataset builder', () => {
  it('gives per date a lookback window of daily features, the day\'s intraday block and the next-day label', async () => {
    const ds = await build();
    const n = ds.samples.n;
    expect(n).toBeGreaterThan(100);
    expect(ds.lookback).toBe(20);
    expect(ds.bars).toBe(51); // 5-minute bars: the sequence length follows the store's interval
    expect(ds.samples.minute.length).toBe(n * 51 * ds.minuteNames.length);
    expect(ds.dailyNames).toContain('ret_1');
    expect(ds.dailyNames.some((f) => f.startsWith('spread_T_TF'))).toBe(true); // TF is in the store
    // the newest date has no next day yet: a sample without a label
    expect(ds.samples.label[n - 1]).toBe(-1);
    const labelled = Array.from(ds.samples.label.subarray(0, n - 1));
    expect(labelled.every((l) => l === 0 || l === 1)).toBe(true);
    expect(labelled.filter((l) => l === 1).length / labelled.length).toBeGreaterThan(0.3);
    // labels agree with the next-day move they were made from
    for (let k = 0; k < n - 1; k++) expect(ds.samples.label[k]).toBe(ds.samples.nextTicks[k]! > 1e-6 ? 1 : 0);
    // the early dates are dropped with a reason: the indicators warm up
    expect(ds.dropped.length).toBeGreaterThan(0);
    expect(ds.dropped[0]!.kind).toBe('warm_up');
    const inputs = modelInputs(ds, fitScalers(ds, Int32Array.from({ length: n - 1 }, (_, k) => k)), Int32Array.from({ length: n }, (_, k) => k));
    expect(inputs.channels.daily.data.length).toBe(n * 20 * ds.dailyNames.length);
    expect(inputs.channels.daily.data.every(Number.isFinite)).toBe(true);
    expect(inputs.channels.minute.data.every(Number.isFinite)).toBe(true);
  });

  it('a bar changed after t leaves every input of sample t unchanged', async () => {
    const before = await build();
    const k = Math.floor(before.samples.n / 2);
    const t = isoDate(before.samples.date[k]!);
    const train = Int32Array.from({ length: k + 1 }, (_, i) => i);
    const inBefore = modelInputs(before, fitScalers(before, train), Int32Array.of(k));
    // Rewrite every bar after t: prices, volume and open interest (which moves later rolls).
    const other = await synthStore();
    try {
      await other.run(`UPDATE bars_daily SET open = open * 1.03, high = high * 1.03, low = low * 1.03, close = close * 1.03, settle = settle * 1.03,
                         volume = volume * 2 + 7, open_interest = open_interest * 3 + 11 WHERE trade_date > DATE '${t}'`);
      await other.run(`UPDATE bars_minute SET open = open * 0.98, high = high * 0.98, low = low * 0.98, close = close * 0.98,
                         volume = volume + 5, open_interest = open_interest + 9 WHERE trade_date > DATE '${t}'`);
      const after = await build({}, {}, other);
      const k2 = Array.from(after.samples.date).indexOf(before.samples.date[k]!);
      expect(k2).toBe(k);
      const inAfter = modelInputs(after, fitScalers(after, train), Int32Array.of(k));
      // Ratio back-adjustment rescales the past when a later roll moves; the features are
      // scale-free, so only float rounding may differ.
      const close = (a: Float32Array, b: Float32Array): void => {
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
      };
      close(inBefore.channels.daily.data, inAfter.channels.daily.data);
      close(inBefore.channels.minute.data, inAfter.channels.minute.data);
      expect(after.samples.contract[k]).toBe(before.samples.contract[k]);
      // and the change is real: a later sample moved
      const later = Array.from(after.samples.nextTicks).findIndex((x, i) => i > k + 1 && x !== before.samples.nextTicks[i]);
      expect(later).toBeGreaterThan(k);
    } finally {
      other.close();
    }
  });

  it('labels the open-to-close move, three classes with a neutral band, or drops neutral days', async () => {
    const cc = await build();
    const oc = await build({ execution: 'open-close' });
    expect(oc.samples.n).toBe(cc.samples.n);
    expect(Array.from(oc.samples.nextTicks).slice(0, -1)).not.toEqual(Array.from(cc.samples.nextTicks).slice(0, -1));
    const three = await build({ labels: 'three', neutralTicks: 4 });
    expect(three.classes).toBe(3);
    for (let k = 0; k < three.samples.n - 1; k++) {
      const t = three.samples.nextTicks[k]!;
      expect(three.samples.label[k]).toBe(Math.abs(t) <= 4 + 1e-6 ? 1 : t > 0 ? 2 : 0);
    }
    const dropped = await build({ labels: 'drop', neutralTicks: 4 });
    const neutral = dropped.dropped.filter((d) => d.kind === 'neutral').length;
    expect(neutral).toBeGreaterThan(0);
    expect(dropped.samples.n + neutral).toBe(cc.samples.n);
  });

  it('fits scalers on the training samples only', async () => {
    const ds = await build();
    const half = Int32Array.from({ length: Math.floor(ds.samples.n / 2) }, (_, k) => k);
    const a = fitScalers(ds, half);
    // scribble over every sample outside the training half: the fit does not move
    const minute = ds.samples.minute.slice();
    minute.fill(1e6, half.length * ds.bars * ds.minuteNames.length);
    const rows = ds.dailyRows.slice();
    rows.fill(1e6, (ds.samples.row[half.length - 1]! + 1) * ds.dailyNames.length);
    const b = fitScalers({ ...ds, dailyRows: rows, samples: { ...ds.samples, minute } }, half);
    expect(b).toEqual(a);
    expect(a.minute.passthrough[ds.minuteNames.indexOf('mask')]).toBe(true);
  });

  it('drops the windows around a day without a volume, naming the feature, and refuses bars it cannot use', async () => {
    const resolved = datasetConfigSchema.parse({});
    const market = await loadMarket(store, { product: 'T' });
    const own = market.daily.get('T')!;
    const i = own.date.length - 60;
    const withField = (field: 'volume' | 'close', value: number): typeof market => {
      const col = own[field].slice();
      col[i] = value;
      return { ...market, daily: new Map(market.daily).set('T', { ...own, [field]: col }) };
    };
    const ds = buildDataset(withField('volume', Number.NaN), resolved); // a day without a volume
    const missing = ds.dropped.filter((d) => d.kind === 'missing_feature');
    expect(missing.length).toBeGreaterThanOrEqual(20); // every window that holds that day
    expect(missing[0]!.reason).toMatch(new RegExp(`vol_chg_z is missing \\(not a finite number\\) on ${isoDate(own.date[i]!)}`));
    expect(() => buildDataset(withField('close', 0), resolved)).toThrow(expect.objectContaining({ code: 'non_finite' }));
    expect(() => buildDataset(withField('close', 0), resolved)).toThrow(/not a finite positive price/);
  });

  it('leaves out the curve spreads of a neighbour the store lacks', async () => {
    const tfOnly = await build({ product: 'TF' }); // the small market has TF and T, not TS
    expect(tfOnly.dailyNames).toContain('spread_TF_T_1');
    expect(tfOnly.dailyNames.some((f) => f.startsWith('spread_TF_TS'))).toBe(false);
    expect(tfOnly.samples.n).toBeGreaterThan(100);
  });

  it('refuses an unknown feature, a lookback longer than the history, and a store without intraday bars', async () => {
    await expect(build({ dailyFeatures: ['ret_1', 'moon_phase'] })).rejects.toThrow(/unknown daily feature "moon_phase"/);
    await expect(build({ minuteFeatures: ['nope'] })).rejects.toMatchObject({ code: 'unknown_feature' });
    await expect(build({ lookback: 250 }, { to: '2018-12-31' })).rejects.toThrow(/lookback 250 is longer than/);
    const bare = await synthStore({ minute: 'none' });
    try {
      await expect(build({}, {}, bare)).rejects.toThrow(/no intraday bars of T/);
    } finally {
      bare.close();
    }
  });

  it('a daily-only dataset reads no intraday bars: it starts with the daily history and runs for a product with none', async () => {
    const withBars = await build();
    const resolved = datasetConfigSchema.parse({});
    const daily = buildDataset(await loadMarket(store, { product: 'T', minute: false }), resolved);
    expect(daily.intervalMin).toBeNull();
    expect(daily.bars).toBe(0);
    expect(daily.minuteNames).toEqual([]);
    expect(daily.samples.minute.length).toBe(0);
    expect(daily.dropped.some((d) => d.kind === 'no_minute_bars' || d.kind === 'few_minute_bars')).toBe(false);
    // the same daily windows, over at least the dates that had intraday bars
    expect(daily.samples.n).toBeGreaterThanOrEqual(withBars.samples.n);
    const k = daily.samples.date.indexOf(withBars.samples.date[0]!);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(daily.samples.label[k]).toBe(withBars.samples.label[0]);
    // a store without intraday bars at all
    const bare = await synthStore({ minute: 'none' });
    try {
      await expect(loadMarket(bare, { product: 'T' })).rejects.toThrow(/no intraday bars of T/);
      const only = buildDataset(await loadMarket(bare, { product: 'T', minute: false }), resolved);
      expect(only.samples.n).toBe(daily.samples.n);
      expect(Array.from(only.samples.label)).toEqual(Array.from(daily.samples.label));
      const input = modelInputs(only, fitScalers(only, Int32Array.from([0, 1, 2])), Int32Array.from([3, 4]));
      expect(input.channels.minute.data.length).toBe(0);
      expect(input.channels.daily.data.length).toBe(2 * only.lookback * only.dailyNames.length);
    } finally {
      bare.close();
    }
  });

  it('on a roll day whose new main contract has no intraday bars, reads the previous main\'s session', async () => {
    const series = (await loadContinuous(store, 'T'))!;
    const base = await build();
    const first = base.samples.date[0]!;
    const i = series.contract.findIndex((c, k) => k > 0 && series.date[k]! > first + 60 && c !== series.contract[k - 1]);
    expect(i).toBeGreaterThan(0);
    const day = isoDate(series.date[i]!);
    const [main, previous] = [series.contract[i]!, series.contract[i - 1]!];
    const k = base.samples.date.indexOf(series.date[i]!);
    expect(base.samples.contract[k]).toBe(main);
    await store.run(`CREATE TEMP TABLE kept_roll AS SELECT * FROM bars_minute WHERE trade_date = DATE '${day}'`);
    try {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${day}' AND contract = '${main}'`);
      const roll = await build();
      const kr = roll.samples.date.indexOf(series.date[i]!);
      expect(kr).toBe(k); // the sample is kept...
      expect(roll.samples.contract[kr]).toBe(previous); // ...on the contract whose bars exist
      expect(roll.samples.hasMinute[kr]).toBe(1);
      const block = (ds: Dataset, at: number): number[] => Array.from(ds.samples.minute.subarray(at * ds.bars * ds.minuteNames.length, (at + 1) * ds.bars * ds.minuteNames.length));
      expect(block(roll, kr)).not.toEqual(block(base, k));
      expect(block(roll, kr).some((v) => v !== 0)).toBe(true);
      expect(block(roll, kr + 1)).toEqual(block(base, k + 1));
      // with neither contract's bars the date is dropped, and the reason names both
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${day}'`);
      const none = await build();
      expect(none.samples.date.indexOf(series.date[i]!)).toBe(-1);
      const why = none.dropped.find((d) => d.date === day)!;
      expect(why.kind).toBe('no_minute_bars');
      expect(why.reason).toContain(main);
      expect(why.reason).toContain(previous);
    } finally {
      await store.run(`DELETE FROM bars_minute WHERE trade_date = DATE '${day}'`);
      await store.run(`INSERT INTO bars_minute SELECT * FROM kept_roll`);
      await store.run(`DROP TABLE kept_roll`);
    }
  });

  it('masks the minute channel of dates without intraday bars instead of dropping them, and fits no scaler on them', async () => {
    const cut = '2019-01-15';
    // intraday bars only from `cut` on: drop starts the samples there, mask keeps the daily history
    await store.run(`CREATE TEMP TABLE kept_minute AS SELECT * FROM bars_minute`);
    try {
      await store.run(`DELETE FROM bars_minute WHERE trade_date < DATE '${cut}'`);
      const drop = await build();
      const mask = await build({ missingMinute: 'mask' });
      expect(isoDate(drop.samples.date[0]!) >= cut).toBe(true);
      expect(mask.samples.date[0]!).toBeLessThan(drop.samples.date[0]!);
      const masked = Array.from(mask.samples.hasMinute).filter((h) => h === 0).length;
      expect(masked).toBe(mask.masked.length);
      expect(mask.masked.every((m) => m.date < cut && m.kind === 'no_minute_bars')).toBe(true);
      expect(mask.samples.n).toBe(drop.samples.n + masked);
      // the samples both keep have the same minute features
      const T = mask.bars;
      const Fm = mask.minuteNames.length;
      const at = (ds: Dataset, day: number): Float32Array => {
        const k = ds.samples.date.indexOf(day);
        return ds.samples.minute.subarray(k * T * Fm, (k + 1) * T * Fm);
      };
      const d0 = drop.samples.date[0]!;
      expect(Array.from(at(mask, d0))).toEqual(Array.from(at(drop, d0)));
      // scalers see only days with bars: fit on every sample, mask equals drop's fit on its own
      const all = (ds: Dataset): Int32Array => Int32Array.from({ length: ds.samples.n }, (_, k) => k);
      expect(fitScalers(mask, all(mask)).minute).toEqual(fitScalers(drop, all(drop)).minute);
      // a masked sample's minute input is exact zeros after scaling, its daily input is real
      const input = modelInputs(mask, fitScalers(mask, all(mask)), Int32Array.from([0]));
      expect(input.channels.minute.data.every((v) => v === 0)).toBe(true);
      expect(input.channels.daily.data.some((v) => v !== 0)).toBe(true);
    } finally {
      await store.run(`DELETE FROM bars_minute`);
      await store.run(`INSERT INTO bars_minute SELECT * FROM kept_minute`);
      await store.run(`DROP TABLE kept_minute`);
    }
  });
});
