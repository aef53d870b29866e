// One desk signal: a saved model's call for the trading day after `asOf`, made from the bars of
// `asOf` and before only, checked against the data first, blended with the traditional timing
// factors and sized for a daily risk budget.

import type { Store } from '../data/store.js';
import { buildContinuous, loadDailyBars, type DailyBar } from '../data/continuous.js';
import { BftError } from '../errors.js';
import { traditionalFactors } from '../futures/factors.js';
import { predictWithModel } from '../timing/predict.js';
import { dayNumber, holidaysKnown, isoDate, nextTradingDay } from '../market/calendar.js';
import { HOLIDAYS_KNOWN } from '../market/holidays.js';
import { barEndMinutes } from '../market/sessions.js';
import { specFor, type Product } from '../market/specs.js';
import type { BackendName } from '../models/backend-names.js';
import { combine, movesInTicks, sizePosition, type Combination, type Sizing } from './position.js';

export interface SignalRequest {
  readonly store: Store;
  readonly product: Product;
  readonly modelDir: string;
  /** The evening the signal is made: its daily bar must be in the store. Default: the newest one. */
  readonly asOf?: string | undefined;
  /** CNY of daily risk for the product's position. */
  readonly budgetCny: number;
  /** Recent daily moves the position's risk is measured over. */
  readonly volDays: number;
  /** The model's weight in the blend with the factors (the experiment's strategy.factorWeight). */
  readonly factorWeight?: number | undefined;
  readonly backend?: BackendName | undefined;
  readonly log?: (line: string) => void;
}

export interface DeskSignal {
  readonly product: Product;
  /** The evening it was made (the last bars it read). */
  readonly asOf: string;
  /** The trading day it is for. */
  readonly forDate: string;
  /** The contract to trade on forDate (the main contract decided at asOf's close). */
  readonly contract: string;
  /** The contract whose intraday bars the model read (null: a daily-only model). */
  readonly minuteContract: string | null;
  readonly pUp: number;
  readonly direction: 'long' | 'short' | 'flat';
  /** |2 P(up) - 1|: how far the model is from a coin. */
  readonly confidence: number;
  readonly combination: Combination;
  readonly position: Sizing & { readonly budgetCny: number; readonly tickValue: number };
  readonly model: { readonly name: string; readonly id: string; readonly dir: string; readonly preset: string; readonly trainedFrom: string; readonly trainedThrough: string };
  readonly data: { readonly dailyThrough: string; readonly minuteThrough: string | null; readonly intervalMin: number | null };
  readonly warnings: readonly string[];
}

const SIDE = { '1': 'long', '-1': 'short', '0': 'flat' } as const;

/** The desk signal of one product, one evening. Data problems are BftError('no_data') in one line. */
export async function computeSignal(req: SignalRequest): Promise<DeskSignal> {
  const { store, product } = req;
  const warnings: string[] = [];
  const bars = await loadDailyBars(store, product);
  if (bars.length === 0) throw new BftError('no_data', `the store has no daily bars of ${product}`, { product });
  const lastDaily = bars[bars.length - 1]!.date;
  const asOf = req.asOf ?? lastDaily;
  const upTo = bars.filter((b) => b.date <= asOf);
  const series = buildContinuous(product, upTo, 'oi', 'ratio');
  const last = series.rows[series.rows.length - 1];
  if (!last || last.date !== asOf) {
    const end = asOf > lastDaily ? `its daily bars end ${lastDaily}` : `its main contract has no daily bar that day`;
    throw new BftError('no_data', `no signal for ${product} as of ${asOf}: the store has no daily bar of ${product} on ${asOf} (${end})`, { product, asOf });
  }

  const p = await predictWithModel({ store, modelDir: req.modelDir, from: asOf, to: asOf, backend: req.backend, log: req.log });
  const meta = p.meta;
  if (meta.data.product !== product) throw new BftError('bad_config', `model ${meta.name}/${meta.id} times ${meta.data.product}, not ${product}`, { product });
  const trained = meta.data.validation ?? meta.data.train;
  // A model that saw a label of asOf or later was trained on bars after that evening.
  if (trained.to >= asOf) {
    throw new BftError('bad_config', `model ${meta.name}/${meta.id} was trained on samples through ${trained.to}, whose labels need the bars of the day after: it cannot make a signal as of ${asOf}`, { product, asOf });
  }
  const row = p.rows.find((r) => r.date === asOf);
  if (!row) {
    const why = p.droppedDates.find((d) => d.date === asOf)?.reason ?? p.dropped;
    throw new BftError('no_data', `no signal for ${product} as of ${asOf}: ${why}`, { product, asOf });
  }
  const masked = p.maskedDates.find((d) => d.date === asOf);
  if (masked) warnings.push(`the minute channel is masked (${masked.reason}): the model reads the daily bars only`);

  const spec = specFor(product, asOf);
  if (!spec) throw new BftError('no_data', `no contract terms of ${product} on ${asOf}`, { product, asOf });
  const intervalMin = meta.data.intervalMin;
  if (intervalMin !== null && !masked) {
    // The dataset takes a session with most of its bars; the desk is told when one is short.
    const expected = barEndMinutes(spec.sessions, intervalMin).length;
    const present = await sessionBars(store, row.contract, asOf, intervalMin);
    if (present < expected) warnings.push(`the ${row.contract} session of ${asOf} has ${present} of ${expected} ${intervalMin}-minute bars: the model read it with the missing ones empty`);
  }
  const minuteThrough = intervalMin === null ? null : await lastMinuteDate(store, product, intervalMin);
  if (minuteThrough !== null && minuteThrough !== lastDaily) {
    warnings.push(`the ${product} daily bars end ${lastDaily} but its ${intervalMin}-minute bars end ${minuteThrough}: ingest the ${minuteThrough > lastDaily ? 'daily' : 'intraday'} bars that are missing`);
  }

  const forDay = nextTradingDay(dayNumber(asOf));
  const forDate = isoDate(forDay);
  if (!holidaysKnown(forDay)) warnings.push(`${forDate} is taken as the next trading day, but the holiday table ends ${HOLIDAYS_KNOWN.to}: check the exchange calendar`);

  const contract = series.nextMain ?? last.contract;
  const factors = traditionalFactors(Float64Array.from(series.rows, (r) => r.adjClose ?? Number.NaN), Int32Array.of(series.rows.length - 1));
  const factorWeight = req.factorWeight ?? meta.experiment.strategy.factorWeight;
  const pUp = row.proba[row.proba.length - 1]!;
  const combination = combine(pUp, factors.map((f) => ({ name: f.name, signal: f.signal[0]! })), factorWeight, String(meta.experiment.model.label ?? meta.experiment.model.preset));

  const closes = closesOf(upTo, contract).slice(-(req.volDays + 1));
  let sizing: Sizing;
  try {
    sizing = sizePosition(req.budgetCny, movesInTicks(closes, spec.tick), spec.tickValue, combination.direction);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new BftError('no_data', `no position for ${product} as of ${asOf}: ${contract}: ${e.message}`, { product, asOf });
  }

  return {
    product,
    asOf,
    forDate,
    contract,
    minuteContract: intervalMin === null || masked ? null : row.contract,
    pUp,
    direction: SIDE[String(combination.direction) as keyof typeof SIDE],
    confidence: Math.abs(2 * pUp - 1),
    combination,
    position: { ...sizing, budgetCny: req.budgetCny, tickValue: spec.tickValue },
    model: { name: meta.name, id: meta.id, dir: req.modelDir, preset: meta.experiment.model.preset, trainedFrom: meta.data.train.from, trainedThrough: trained.to },
    data: { dailyThrough: lastDaily, minuteThrough, intervalMin },
    warnings,
  };
}

/** A contract's own daily closes in date order (days without a close skipped). */
function closesOf(bars: readonly DailyBar[], contract: string): number[] {
  return bars.filter((b) => b.contract === contract && b.close !== null && Number.isFinite(b.close)).map((b) => b.close!);
}

async function sessionBars(store: Store, contract: string, date: string, intervalMin: number): Promise<number> {
  const rows = await store.all<{ n: number }>(`SELECT count(*) AS n FROM bars_minute WHERE contract = $1 AND trade_date = $2::DATE AND interval_min = $3`, [contract, date, intervalMin]);
  return Number(rows[0]?.n ?? 0);
}

async function lastMinuteDate(store: Store, product: Product, intervalMin: number): Promise<string | null> {
  const rows = await store.all<{ d: string | null }>(`SELECT strftime(max(trade_date), '%Y-%m-%d') AS d FROM bars_minute WHERE product = $1 AND interval_min = $2`, [product, intervalMin]);
  return rows[0]?.d ?? null;
}
