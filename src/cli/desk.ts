// The desk's options and printing, shared by bft signal and bft daily: which desk, which products,
// retraining and a CSV; the evening's table, its CSV, and the exit when a product got no signal or
// a stale one.

import type { Argv } from 'yargs';
import { BftError } from '../errors.js';
import { PRODUCTS, type Product } from '../market/specs.js';
import type { DeskSignal } from '../signals/compute.js';
import type { ProductEvening } from '../signals/desk.js';
import { withJsonOption, withStoreOptions, type JsonArgs, type StoreArgs } from './commands/common.js';
import { toCsv, type CsvCell } from './csv.js';
import { outputFileOption } from './options.js';
import { table, type Output } from './output.js';

export const DEFAULT_DESK_CONFIG = 'signals/desk.json';

/** The options bft signal and bft daily share: which desk, which products, retraining, a CSV. */
export interface DeskArgs extends StoreArgs, JsonArgs {
  config: string;
  product?: Product[] | undefined;
  retrain: 'auto' | 'always' | 'never';
  csv?: string | undefined;
}

export function withDeskOptions<T>(y: Argv<T>, json: string): Argv<T & DeskArgs> {
  return withJsonOption(withStoreOptions(y), json)
    .option('config', { type: 'string', default: DEFAULT_DESK_CONFIG, describe: 'the desk\'s production config: per product its experiment, training window and retrain schedule' })
    .option('product', { type: 'array', choices: PRODUCTS, describe: 'products to signal (default: every product of the config)' })
    .option('retrain', { choices: ['auto', 'always', 'never'] as const, default: 'auto' as const, describe: 'auto: when the config\'s schedule says; always; never: the newest model there is (one the schedule calls stale then exits 5)' })
    .option('csv', { type: 'string', describe: 'also write the signals to this CSV file, one row per product (its folder must exist)' })
    .coerce('csv', outputFileOption('csv')) as unknown as Argv<T & DeskArgs>;
}

const signed = (x: number, digits = 3): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** Exit 4 when a product got no signal, else 5 when one came from a stale model; one line either way. */
export function failIfIncomplete(evening: readonly ProductEvening[]): void {
  const missing = evening.filter((e) => e.error !== null);
  if (missing.length > 0) throw new BftError('signal_missing', `no signal for ${missing.map((e) => e.product).join(', ')}: ${missing.map((e) => e.error).join('; ')}`);
  const stale = evening.filter((e) => e.stale !== null);
  if (stale.length > 0) throw new BftError('stale_model', `stale model for ${stale.map((e) => e.product).join(', ')}: ${stale.map((e) => e.stale).join('; ')} (retraining was left out)`);
}

export function printEvening(out: Output, evening: readonly ProductEvening[]): void {
  const made = evening.filter((e) => e.signal !== null);
  for (const e of evening) {
    if (e.retrain.trained) out.info(`${e.product}: trained ${e.retrain.trained} (${e.retrain.reason})`);
    for (const w of e.signal?.warnings ?? []) out.warn(`${e.product}: ${w}`);
  }
  if (made.length === 0) return;
  const s = (e: ProductEvening): DeskSignal => e.signal!;
  out.result(
    table(
      ['product', 'as of', 'for', 'contract', 'P(up)', 'side', 'confidence', 'blend', 'contracts', 'risk/contract CNY', 'model', 'trained on', 'kept'],
      made.map((e) => [
        e.product, s(e).asOf, s(e).forDate, s(e).contract, s(e).pUp.toFixed(4), s(e).direction, s(e).confidence.toFixed(3), signed(s(e).combination.value),
        String(s(e).position.contracts), s(e).position.riskPerContractCny.toFixed(0), `${s(e).model.name}/${s(e).model.id}`, `${s(e).model.trainedFrom}..${s(e).model.trainedThrough}`,
        `${e.recorded!.action} (revision ${e.recorded!.revision})`,
      ]),
    ),
  );
  out.result('');
  // The first part is each product's own model (named in the table above), the rest the factors.
  const names = ['model', ...s(made[0]!).combination.parts.slice(1).map((p) => p.name)];
  out.result('contributions to the blend (weight x view; they add up to the blend, whose sign is the side):');
  out.result(table(['product', ...names, 'blend'], made.map((e) => [e.product, ...s(e).combination.parts.map((p) => signed(p.contribution)), signed(s(e).combination.value)])));
  for (const e of made) if (e.recorded!.action === 'revised') out.result(`${e.product}: revision ${e.recorded!.revision}: ${e.recorded!.reason}`);
}

const SIGNAL_CSV = ['product', 'as_of', 'for_date', 'contract', 'minute_contract', 'p_up', 'direction', 'confidence', 'blend', 'contracts', 'budget_cny', 'risk_per_contract_cny', 'model', 'trained_through', 'revision', 'warnings'];

export function signalsCsv(evening: readonly ProductEvening[]): string {
  const rows: CsvCell[][] = evening
    .filter((e) => e.signal !== null)
    .map((e) => {
      const s = e.signal!;
      return [s.product, s.asOf, s.forDate, s.contract, s.minuteContract, s.pUp, s.direction, s.confidence, s.combination.value, s.position.contracts, s.position.budgetCny, s.position.riskPerContractCny, `${s.model.name}/${s.model.id}`, s.model.trainedThrough, e.recorded!.revision, s.warnings.join('; ')];
    });
  return toCsv(SIGNAL_CSV, rows);
}
