// A run's test days as the scoring sees them (pure): each model's seed-averaged P(up) per date,
// what the market did after each date, and the daily net returns of trading on it. Shared by the
// verdict (evaluate.ts), the CPCV paths (paths.ts) and the overfitting gate.

import { isoDate } from '../market/calendar.js';
import { specFor, type Product } from '../market/specs.js';
import { positionsFromProb, strategyPnl, type CostModel, type PositionRule } from './pnl.js';
import type { PredictionRecord } from '../eval/run/runs.js';

/** The seed-averaged probability of each model on the dates every model predicted (CPCV: averaged over the folds testing the date too). */
export function ensembleByDate(predictions: readonly PredictionRecord[], models: readonly string[]): { dates: Int32Array; prob: Map<string, Float64Array>; rows: PredictionRecord[] } {
  const byModel = new Map<string, Map<number, { sum: number; n: number; row: PredictionRecord }>>();
  for (const m of models) byModel.set(m, new Map());
  for (const p of predictions) {
    const m = byModel.get(p.model);
    if (!m) continue;
    const e = m.get(p.date);
    if (e) {
      e.sum += p.probability;
      e.n++;
    } else m.set(p.date, { sum: p.probability, n: 1, row: p });
  }
  const first = byModel.get(models[0]!)!;
  const dates = Int32Array.from([...first.keys()].filter((d) => models.every((m) => byModel.get(m)!.has(d))).sort((a, b) => a - b));
  const prob = new Map<string, Float64Array>();
  for (const m of models) {
    const mm = byModel.get(m)!;
    prob.set(m, Float64Array.from(dates, (d) => mm.get(d)!.sum / mm.get(d)!.n));
  }
  return { dates, prob, rows: Array.from(dates, (d) => first.get(d)!.row) };
}

/** What the market did after each test date (one prediction row per date): the inputs of strategy P&L. */
export interface TestDayMoves {
  readonly label: Int32Array;
  readonly moveReturn: Float64Array;
  readonly moveTicks: Float64Array;
  readonly traded: readonly (string | null)[];
  readonly tickValue: Float64Array;
}

export function testDayMoves(product: Product, dates: Int32Array, rows: readonly PredictionRecord[]): TestDayMoves {
  return {
    label: Int32Array.from(rows, (r) => r.label),
    moveReturn: Float64Array.from(rows, (r) => r.nextReturn),
    moveTicks: Float64Array.from(rows, (r) => r.nextTicks),
    traded: rows.map((r) => r.tradedContract),
    tickValue: Float64Array.from(dates, (d) => specFor(product, isoDate(d))?.tickValue ?? Number.NaN),
  };
}

/** Daily net returns (fractions of one notional) of trading `prob` under a rule and costs. */
export function netReturnsOf(prob: Float64Array, moves: TestDayMoves, rule: PositionRule, costs: CostModel): Float64Array {
  const position = positionsFromProb(prob, rule);
  return strategyPnl({ position, moveTicks: moves.moveTicks, moveReturn: moves.moveReturn, tradedContract: moves.traded, tickValue: moves.tickValue }, costs).netReturn;
}
