import { describe, expect, it } from 'vitest';
import { buildContinuous, type DailyBar } from '../../src/data/continuous.js';

/** Bars for days d0..dn of contracts whose open interest follows `oi[contract][day]`. */
function bars(days: string[], prices: Record<string, number[]>, oi: Record<string, number[]>): DailyBar[] {
  const out: DailyBar[] = [];
  days.forEach((date, i) => {
    for (const contract of Object.keys(prices)) {
      const close = prices[contract]![i];
      if (close === undefined || Number.isNaN(close)) continue;
      out.push({ date, contract, open: close - 0.1, high: close + 0.2, low: close - 0.2, close, settle: close, volume: oi[contract]![i]! / 2, openInterest: oi[contract]![i]! });
    }
  });
  return out;
}

const DAYS = ['2025-02-10', '2025-02-11', '2025-02-12', '2025-02-13', '2025-02-14', '2025-02-17'];

describe('continuous main contract', () => {
  const px = { T2503: [100, 101, 102, 101, 100, 99], T2506: [99, 100.5, 101, 100.2, 99.4, 98.5] };
  const oi = { T2503: [100, 90, 60, 40, 20, 10], T2506: [50, 70, 80, 90, 95, 99] };

  it('rolls the morning after the close at which open interest crossed, with a roll log', () => {
    const s = buildContinuous('T', bars(DAYS, px, oi));
    expect(s.rows.map((r) => r.contract)).toEqual(['T2503', 'T2503', 'T2503', 'T2506', 'T2506', 'T2506']);
    expect(s.rolls).toEqual([
      { decidedOn: '2025-02-12', effective: '2025-02-13', from: 'T2503', to: 'T2506', fromClose: 102, toClose: 101, gap: 101 / 102, reason: 'leader' },
    ]);
    expect(s.rows[3]!.isRoll).toBe(true);
  });

  it('never goes back to an older contract when open interest swings back', () => {
    const swing = { T2503: [100, 90, 60, 95, 99, 99], T2506: [50, 70, 80, 90, 60, 50] };
    const s = buildContinuous('T', bars(DAYS, px, swing));
    expect(s.rows.map((r) => r.contract)).toEqual(['T2503', 'T2503', 'T2503', 'T2506', 'T2506', 'T2506']);
    expect(s.rolls).toHaveLength(1);
  });

  it('can roll by volume instead', () => {
    const vol = { T2503: [100, 100, 100, 100, 100, 100], T2506: [10, 10, 10, 10, 300, 300] };
    const b = bars(DAYS, px, vol).map((x) => ({ ...x, openInterest: x.contract === 'T2503' ? 1000 : 1 }));
    expect(buildContinuous('T', b, 'oi').rolls).toHaveLength(0);
    expect(buildContinuous('T', b, 'volume').rolls.map((r) => r.effective)).toEqual(['2025-02-17']);
  });

  it('is forced onto the next contract when the main one stops trading', () => {
    const expiring = { T2503: [100, 101, NaN, NaN, NaN, NaN], T2506: [99, 100.5, 101, 100.2, 99.4, 98.5] };
    const lowOi = { T2503: [100, 100, 0, 0, 0, 0], T2506: [1, 2, 3, 4, 5, 6] };
    const s = buildContinuous('T', bars(DAYS, expiring, lowOi));
    expect(s.rolls).toMatchObject([{ effective: '2025-02-12', to: 'T2506', reason: 'expired' }]);
    expect(s.rows).toHaveLength(6);
  });

  it('says which contract the day after the last row trades: decided at its close', () => {
    const upTo = (d: string) => buildContinuous('T', bars(DAYS, px, oi).filter((b) => b.date <= d));
    expect(upTo('2025-02-11').nextMain).toBe('T2503');
    // the open interest crossed at the close of 02-12: the series still ends on T2503, the next day trades T2506
    const decided = upTo('2025-02-12');
    expect(decided.rows[decided.rows.length - 1]!.contract).toBe('T2503');
    expect(decided.nextMain).toBe('T2506');
    expect(upTo('2025-02-17').nextMain).toBe('T2506');
    // on its last trading day (second Friday of March) the main contract hands over, whatever its open interest
    const expiry = ['2025-03-13', '2025-03-14'];
    const last = buildContinuous('T', bars(expiry, { T2503: [100, 100], T2506: [99, 99] }, { T2503: [500, 400], T2506: [100, 120] }));
    expect(last.rows.map((r) => r.contract)).toEqual(['T2503', 'T2503']);
    expect(last.nextMain).toBe('T2506');
    expect(buildContinuous('T', []).nextMain).toBeNull();
  });

  it('ratio back-adjustment leaves every daily return unchanged across the roll and the last price raw', () => {
    const s = buildContinuous('T', bars(DAYS, px, oi), 'oi', 'ratio');
    const last = s.rows.at(-1)!;
    expect(last.adjClose).toBe(last.close);
    for (let i = 1; i < s.rows.length; i++) {
      const r = s.rows[i]!;
      // the contract's own return: its close today over its close yesterday
      const own = r.close! / (px as Record<string, number[]>)[r.contract]![i - 1]!;
      expect(r.adjClose! / s.rows[i - 1]!.adjClose!).toBeCloseTo(own, 12);
    }
  });

  it('difference back-adjustment leaves every daily price change unchanged', () => {
    const s = buildContinuous('T', bars(DAYS, px, oi), 'oi', 'difference');
    for (let i = 1; i < s.rows.length; i++) {
      const r = s.rows[i]!;
      const own = r.close! - (px as Record<string, number[]>)[r.contract]![i - 1]!;
      expect(r.adjClose! - s.rows[i - 1]!.adjClose!).toBeCloseTo(own, 12);
    }
    expect(s.rows[0]!.adjFactor).toBeCloseTo(101 - 102, 12);
  });

  it('decides each day with data up to that day only: later bars do not change earlier choices', () => {
    const full = buildContinuous('T', bars(DAYS, px, oi));
    const cut = buildContinuous('T', bars(DAYS.slice(0, 4), px, oi));
    expect(cut.rows.map((r) => r.contract)).toEqual(full.rows.slice(0, 4).map((r) => r.contract));
  });
});
