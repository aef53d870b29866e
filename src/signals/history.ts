// The signals table: every desk signal kept, revisions never overwritten, and the live track
// record read back from it beside the moves that followed.

import type { Store } from '../data/store.js';
import { PRODUCTS, specFor, type Product } from '../market/specs.js';
import type { DeskSignal } from './compute.js';

export interface Recorded {
  /** new: the evening's first signal; revised: a different one, kept as the next revision; unchanged: nothing written. */
  readonly action: 'new' | 'revised' | 'unchanged';
  readonly revision: number;
  readonly reason: string;
}

type StoredRow = {
  revision: number;
  contract: string;
  p_up: number;
  contracts: number;
  combination: number;
  model_id: string;
  model_name: string;
  daily_through: string;
  minute_through: string | null;
};

/**
 * Stores a signal unless the evening's newest revision already says the same (same model, contract,
 * P(up), blend and position); a different one becomes the next revision with the reason it differs.
 */
export async function recordSignal(store: Store, s: DeskSignal, now: Date = new Date()): Promise<Recorded> {
  const prev = (
    await store.all<StoredRow>(
      `SELECT revision, contract, p_up, contracts, combination, model_id, model_name, strftime(daily_through, '%Y-%m-%d') AS daily_through,
              strftime(minute_through, '%Y-%m-%d') AS minute_through
       FROM signals WHERE product = $1 AND as_of = $2::DATE ORDER BY revision DESC LIMIT 1`,
      [s.product, s.asOf],
    )
  )[0];
  const why = prev === undefined ? 'first signal of the evening' : revisionReason(prev, s);
  if (prev !== undefined && why === null) return { action: 'unchanged', revision: Number(prev.revision), reason: 'the same signal as revision ' + String(prev.revision) };
  const revision = prev === undefined ? 1 : Number(prev.revision) + 1;
  await store.run(
    `INSERT INTO signals VALUES ($1, $2::DATE, $3, $4::DATE, $5::TIMESTAMP, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::DATE, $20::DATE, $21::DATE, $22::DATE, $23)`,
    [
      s.product, s.asOf, revision, s.forDate, now.toISOString().replace('T', ' ').replace('Z', ''), why!,
      s.contract, s.minuteContract, s.pUp, s.direction, s.confidence, s.combination.value, s.position.contracts,
      s.position.budgetCny, s.position.riskPerContractCny, s.position.tickValue,
      s.model.name, s.model.id, s.model.trainedFrom, s.model.trainedThrough, s.data.dailyThrough, s.data.minuteThrough, JSON.stringify(s),
    ],
  );
  return { action: prev === undefined ? 'new' : 'revised', revision, reason: why! };
}

/** Why `s` differs from the stored revision `prev` (its result or its model), or null when it does not. */
function revisionReason(prev: StoredRow, s: DeskSignal): string | null {
  const parts: string[] = [];
  if (prev.model_id !== s.model.id || prev.model_name !== s.model.name) parts.push(`model ${s.model.name}/${s.model.id} replaces ${prev.model_name}/${prev.model_id}`);
  if (prev.daily_through !== s.data.dailyThrough || prev.minute_through !== s.data.minuteThrough) {
    parts.push(`the store's bars now run to ${s.data.dailyThrough} (daily) and ${s.data.minuteThrough ?? '-'} (intraday), were ${prev.daily_through} and ${prev.minute_through ?? '-'}`);
  }
  const same = prev.contract === s.contract && prev.p_up === s.pUp && Number(prev.contracts) === s.position.contracts && prev.combination === s.combination.value;
  // Newer bars after the evening alone do not make a revision: only a different result, or model, does.
  const sameModel = prev.model_id === s.model.id && prev.model_name === s.model.name;
  if (same && sameModel) return null;
  if (!same) {
    const what = [
      prev.contract !== s.contract ? `contract ${prev.contract} -> ${s.contract}` : '',
      prev.p_up !== s.pUp ? `P(up) ${prev.p_up.toFixed(4)} -> ${s.pUp.toFixed(4)}` : '',
      Number(prev.contracts) !== s.position.contracts ? `position ${prev.contracts} -> ${s.position.contracts}` : '',
    ].filter((x) => x !== '');
    if (parts.length === 0) parts.push('the bars of the evening or before were revised');
    if (what.length > 0) parts.push(what.join(', '));
  }
  return parts.join('; ');
}

export interface HistoryRow {
  readonly product: Product;
  readonly asOf: string;
  readonly forDate: string;
  /** The newest revision (the one that stands) and how many there were. */
  readonly revision: number;
  readonly contract: string;
  readonly pUp: number;
  readonly direction: string;
  readonly contracts: number;
  readonly modelId: string;
  /** The traded contract's close-to-close move from the evening to the next day it closed, in ticks; null until known. */
  readonly moveTicks: number | null;
  /** Whether the side was right (null: flat, or not known yet). */
  readonly hit: boolean | null;
  /** P&L of the side for one contract, in ticks, and of the suggested position in CNY; before costs. */
  readonly pnlTicks: number | null;
  readonly pnlCny: number | null;
}

export interface TrackRecord {
  readonly product: Product;
  readonly signals: number;
  /** Signals whose next-day move is known and whose side was not flat. */
  readonly scored: number;
  readonly hitRate: number | null;
  readonly pnlTicks: number;
  readonly pnlCny: number;
}

export interface History {
  readonly rows: readonly HistoryRow[];
  readonly record: readonly TrackRecord[];
}

export interface HistoryQuery {
  readonly product?: Product | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/**
 * The live track record: per product and evening the standing revision, the move that followed
 * (the traded contract's next close after the evening against its close that evening) and what the
 * side made, with hit rate and cumulative P&L per product. Apart from any walk-forward backtest.
 */
export async function signalHistory(store: Store, q: HistoryQuery = {}): Promise<History> {
  const raw = await store.all<{
    product: Product; as_of: string; for_date: string; revision: number; contract: string; p_up: number; direction: string;
    contracts: number; model_id: string; tick_value: number; close0: number | null; close1: number | null;
  }>(
    `WITH standing AS (
       SELECT * FROM signals s
       WHERE ($1::VARCHAR IS NULL OR product = $1) AND ($2::DATE IS NULL OR as_of >= $2::DATE) AND ($3::DATE IS NULL OR as_of <= $3::DATE)
       QUALIFY revision = max(revision) OVER (PARTITION BY product, as_of))
     SELECT s.product, strftime(s.as_of, '%Y-%m-%d') AS as_of, strftime(s.for_date, '%Y-%m-%d') AS for_date, s.revision, s.contract, s.p_up,
            s.direction, s.contracts, s.model_id, s.tick_value,
            (SELECT close FROM bars_daily b WHERE b.contract = s.contract AND b.trade_date = s.as_of) AS close0,
            (SELECT close FROM bars_daily b WHERE b.contract = s.contract AND b.trade_date > s.as_of AND b.close IS NOT NULL ORDER BY b.trade_date LIMIT 1) AS close1
     FROM standing s ORDER BY s.product, s.as_of`,
    [q.product ?? null, q.from ?? null, q.to ?? null],
  );
  const rows: HistoryRow[] = raw.map((r) => {
    const tick = specFor(r.product, r.as_of)?.tick ?? Number.NaN;
    const known = r.close0 !== null && r.close1 !== null && Number.isFinite(tick);
    const moveTicks = known ? (r.close1! - r.close0!) / tick : null;
    const side = r.direction === 'long' ? 1 : r.direction === 'short' ? -1 : 0;
    const pnlTicks = moveTicks === null ? null : side * moveTicks;
    return {
      product: r.product,
      asOf: r.as_of,
      forDate: r.for_date,
      revision: Number(r.revision),
      contract: r.contract,
      pUp: r.p_up,
      direction: r.direction,
      contracts: Number(r.contracts),
      modelId: r.model_id,
      moveTicks,
      hit: moveTicks === null || side === 0 || moveTicks === 0 ? null : side * moveTicks > 0,
      pnlTicks,
      pnlCny: moveTicks === null ? null : Number(r.contracts) * moveTicks * r.tick_value,
    };
  });
  // The products in their usual order (TS, TF, T, TL), each one's evenings in date order.
  rows.sort((a, b) => PRODUCTS.indexOf(a.product) - PRODUCTS.indexOf(b.product) || (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  const products = [...new Set(rows.map((r) => r.product))];
  const record = products.map((product) => {
    const own = rows.filter((r) => r.product === product);
    const scored = own.filter((r) => r.hit !== null);
    return {
      product,
      signals: own.length,
      scored: scored.length,
      hitRate: scored.length > 0 ? scored.filter((r) => r.hit).length / scored.length : null,
      pnlTicks: own.reduce((a, r) => a + (r.pnlTicks ?? 0), 0),
      pnlCny: own.reduce((a, r) => a + (r.pnlCny ?? 0), 0),
    };
  });
  return { rows, record };
}

export interface KeptSignal {
  readonly signal: DeskSignal;
  readonly revision: number;
  readonly reason: string;
  readonly createdAt: string;
}

/** Per product, the standing revision of its newest evening, as it was kept. */
export async function latestSignals(store: Store, product?: Product): Promise<KeptSignal[]> {
  const rows = await store.all<{ signal_json: string; revision: number; reason: string; created_at: string }>(
    `SELECT signal_json, revision, reason, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS created_at FROM signals
     WHERE $1::VARCHAR IS NULL OR product = $1
     QUALIFY row_number() OVER (PARTITION BY product ORDER BY as_of DESC, revision DESC) = 1
     ORDER BY product`,
    [product ?? null],
  );
  const kept = rows.map((r) => ({ signal: JSON.parse(r.signal_json) as DeskSignal, revision: Number(r.revision), reason: r.reason, createdAt: r.created_at }));
  return kept.sort((a, b) => PRODUCTS.indexOf(a.signal.product) - PRODUCTS.indexOf(b.signal.product));
}
