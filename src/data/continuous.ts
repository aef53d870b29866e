// Continuous main contract per product: which contract is "main" each day, the roll log, and
// back-adjusted prices next to the raw ones.
//
// Roll rule (no look-ahead): at the close of day d the leader is the listed contract with the
// largest open interest (or volume, by option; ties go to the later delivery). If the leader
// delivers later than the current main contract, the main contract switches to it from the next
// trading day on. It never switches back to an earlier delivery. If the main contract has no bar
// on a day (it expired), the switch is forced to that day's leader among later deliveries.
//
// Back-adjustment keeps the latest contract's prices as they are and shifts history at each roll
// by the gap between the new and the old contract on the decision day d (close, else settle):
// ratio: history x new/old; difference: history + (new - old). Either way the continuous return
// on the first day of the new contract is the new contract's own return from its close on d, so
// returns (ratio) or price changes (difference) are unchanged across a roll. Adjusted LEVELS
// before a roll depend on later rolls; use returns or raw prices where that matters.

import { deliveryOrdinal, lastTradingDayIso, parseContract } from '../market/contracts.js';
import type { Product } from '../market/specs.js';
import type { Row, Store } from './store.js';

export type RollRule = 'oi' | 'volume';
export type Adjustment = 'ratio' | 'difference';

export interface DailyBar {
  readonly date: string;
  readonly contract: string;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number | null;
  readonly settle: number | null;
  readonly volume: number | null;
  readonly openInterest: number | null;
}

export interface ContinuousRow extends DailyBar {
  readonly adjOpen: number | null;
  readonly adjHigh: number | null;
  readonly adjLow: number | null;
  readonly adjClose: number | null;
  readonly adjSettle: number | null;
  /** Multiplier (ratio) or addend (difference) taking this day's raw prices to adjusted ones. */
  readonly adjFactor: number;
  /** First day of a new main contract. */
  readonly isRoll: boolean;
}

export interface Roll {
  /** Day whose close decided the roll. */
  readonly decidedOn: string;
  /** First day on the new contract. */
  readonly effective: string;
  readonly from: string;
  readonly to: string;
  readonly fromClose: number | null;
  readonly toClose: number | null;
  /** new/old (ratio) or new - old (difference) on the decision day. */
  readonly gap: number;
  readonly reason: 'leader' | 'expired';
}

export interface ContinuousSeries {
  readonly product: Product;
  readonly rule: RollRule;
  readonly adjust: Adjustment;
  readonly rows: readonly ContinuousRow[];
  readonly rolls: readonly Roll[];
  /**
   * The main contract of the trading day after the last row, as decided at that row's close: a
   * leader switch decided then, else the leader among later deliveries when the main contract's
   * last trading day is the last row, else the main contract itself. What a signal made that
   * evening trades. Null for an empty series.
   */
  readonly nextMain: string | null;
}

const ord = (code: string): number => {
  const c = parseContract(code);
  if (!c) throw new RangeError(`not a contract code: ${code}`);
  return deliveryOrdinal(c);
};

function leader(bars: readonly DailyBar[], rule: RollRule, after = -Infinity): DailyBar | null {
  let best: DailyBar | null = null;
  for (const b of bars) {
    if (ord(b.contract) <= after) continue;
    const v = (rule === 'oi' ? b.openInterest : b.volume) ?? 0;
    const bv = best ? ((rule === 'oi' ? best.openInterest : best.volume) ?? 0) : -1;
    if (!best || v > bv || (v === bv && ord(b.contract) > ord(best.contract))) best = b;
  }
  return best;
}

const refPrice = (b: DailyBar | undefined): number | null => b?.close ?? b?.settle ?? null;

/** Groups bars by date, in date order. */
function byDay(bars: readonly DailyBar[]): [string, DailyBar[]][] {
  const m = new Map<string, DailyBar[]>();
  for (const b of bars) {
    const list = m.get(b.date);
    if (list) list.push(b);
    else m.set(b.date, [b]);
  }
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Builds the continuous series of one product from all its contracts' daily bars. */
export function buildContinuous(product: Product, bars: readonly DailyBar[], rule: RollRule = 'oi', adjust: Adjustment = 'ratio'): ContinuousSeries {
  const days = byDay(bars);
  const picked: { bar: DailyBar; isRoll: boolean }[] = [];
  const rolls: Roll[] = [];
  let main: string | null = null;
  let pendingSwitch: { to: string; decidedOn: string; reason: 'leader' } | null = null;
  let prevDay: DailyBar[] = [];
  let prevDate = '';

  for (const [date, today] of days) {
    let isRoll = false;
    if (main === null) {
      main = leader(today, rule)?.contract ?? null;
      if (main === null) continue;
    } else {
      let next: { to: string; reason: 'leader' | 'expired' } | null = pendingSwitch;
      if (!next && !today.some((b) => b.contract === main)) {
        // Expired: take yesterday's leader among later deliveries (known at yesterday's close).
        const l: DailyBar | null = leader(prevDay, rule, ord(main)) ?? leader(today, rule, ord(main));
        if (l) next = { to: l.contract, reason: 'expired' };
      }
      if (next && today.some((b) => b.contract === next!.to)) {
        const oldBar = prevDay.find((b) => b.contract === main);
        const newBar = prevDay.find((b) => b.contract === next!.to);
        const o = refPrice(oldBar);
        const n = refPrice(newBar);
        const gap = o !== null && n !== null && o > 0 ? (adjust === 'ratio' ? n / o : n - o) : adjust === 'ratio' ? 1 : 0;
        rolls.push({ decidedOn: prevDate, effective: date, from: main, to: next.to, fromClose: o, toClose: n, gap, reason: next.reason });
        main = next.to;
        isRoll = true;
      }
      pendingSwitch = null;
    }
    const bar = today.find((b) => b.contract === main);
    if (bar) picked.push({ bar, isRoll });
    // Decide at today's close for tomorrow.
    const l = leader(today, rule);
    if (l && main !== null && ord(l.contract) > ord(main)) pendingSwitch = { to: l.contract, decidedOn: date, reason: 'leader' };
    prevDay = today;
    prevDate = date;
  }

  let nextMain: string | null = pendingSwitch?.to ?? main;
  if (nextMain !== null && nextMain === main && prevDate !== '' && lastTradingDayIso(main) <= prevDate) {
    nextMain = leader(prevDay, rule, ord(main))?.contract ?? main;
  }

  // Back-adjust: walk backwards, compounding the gaps of rolls that happen after each day.
  const rows: ContinuousRow[] = new Array(picked.length);
  let factor = adjust === 'ratio' ? 1 : 0;
  let r = rolls.length - 1;
  for (let i = picked.length - 1; i >= 0; i--) {
    const { bar, isRoll } = picked[i]!;
    const f = factor;
    const adj = (p: number | null): number | null => (p === null ? null : adjust === 'ratio' ? p * f : p + f);
    rows[i] = {
      ...bar,
      adjOpen: adj(bar.open),
      adjHigh: adj(bar.high),
      adjLow: adj(bar.low),
      adjClose: adj(bar.close),
      adjSettle: adj(bar.settle),
      adjFactor: f,
      isRoll,
    };
    // Days before this roll's effective day take its gap too.
    if (isRoll && r >= 0 && rolls[r]!.effective === bar.date) {
      factor = adjust === 'ratio' ? factor * rolls[r]!.gap : factor + rolls[r]!.gap;
      r--;
    }
  }
  return { product, rule, adjust, rows, rolls, nextMain };
}

// ---- store edge: read a product's daily bars, write its series and roll log -------------------

export interface ContinuousKey {
  readonly product: Product;
  readonly rule: RollRule;
  readonly adjust: Adjustment;
}

export async function loadDailyBars(store: Store, product: Product): Promise<DailyBar[]> {
  return store.all<DailyBar & Row>(`
    SELECT strftime(trade_date, '%Y-%m-%d') AS date, contract, open, high, low, close, settle, volume,
           open_interest AS "openInterest"
    FROM bars_daily WHERE product = $1 ORDER BY trade_date, contract`, [product]);
}

/** Rebuilds and replaces the stored series for each key; returns the series built. */
export async function refreshContinuous(store: Store, keys: readonly ContinuousKey[]): Promise<ContinuousSeries[]> {
  const out: ContinuousSeries[] = [];
  for (const k of keys) {
    const s = buildContinuous(k.product, await loadDailyBars(store, k.product), k.rule, k.adjust);
    await store.transaction(async () => {
      const where = `product = '${k.product}' AND rule = '${k.rule}' AND adjust = '${k.adjust}'`;
      await store.run(`DELETE FROM continuous_daily WHERE ${where}`);
      await store.run(`DELETE FROM rolls WHERE ${where}`);
      const a = await store.conn.createAppender('continuous_daily');
      const num = (v: number | null): void => (v === null ? a.appendNull() : a.appendDouble(v));
      const int = (v: number | null): void => (v === null ? a.appendNull() : a.appendBigInt(BigInt(Math.round(v))));
      for (const r of s.rows) {
        a.appendVarchar(k.product);
        a.appendVarchar(k.rule);
        a.appendVarchar(k.adjust);
        a.appendVarchar(r.date);
        a.appendVarchar(r.contract);
        num(r.open);
        num(r.high);
        num(r.low);
        num(r.close);
        num(r.settle);
        int(r.volume);
        int(r.openInterest);
        num(r.adjOpen);
        num(r.adjHigh);
        num(r.adjLow);
        num(r.adjClose);
        num(r.adjSettle);
        a.appendDouble(r.adjFactor);
        a.appendBoolean(r.isRoll);
        a.endRow();
      }
      a.flushSync();
      a.closeSync();
      for (const r of s.rolls) {
        await store.run(`INSERT INTO rolls VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
          k.product, k.rule, k.adjust, r.decidedOn, r.effective, r.from, r.to, r.fromClose, r.toClose, r.gap, r.reason,
        ]);
      }
    });
    out.push(s);
  }
  return out;
}

/** The series keys already in the store for these products, plus the default (oi, ratio). */
export async function continuousKeysFor(store: Store, products: readonly Product[]): Promise<ContinuousKey[]> {
  const stored = await store.all<{ product: Product; rule: RollRule; adjust: Adjustment }>(
    `SELECT DISTINCT product, rule, adjust FROM continuous_daily`,
  );
  const keys: ContinuousKey[] = [];
  for (const p of products) {
    const mine = stored.filter((s) => s.product === p);
    if (!mine.some((s) => s.rule === 'oi' && s.adjust === 'ratio')) keys.push({ product: p, rule: 'oi', adjust: 'ratio' });
    keys.push(...mine);
  }
  return keys;
}
