// bft continuous: (re)build the continuous main contract and print its roll log.

import type { Argv, CommandModule } from 'yargs';
import { refreshContinuous, type Adjustment, type RollRule } from '../../data/index.js';
import { PRODUCTS, type Product } from '../../market/specs.js';
import { table } from '../output.js';
import { continuousBrief, withExistingStore, withJsonOption, withStoreOptions, type JsonArgs, type StoreArgs } from './common.js';

interface ContinuousArgs extends StoreArgs, JsonArgs {
  product?: Product[] | undefined;
  by: RollRule;
  adjust: Adjustment;
  rolls: boolean;
}

export const continuousCommand: CommandModule<object, ContinuousArgs> = {
  command: 'continuous',
  describe: 'build the continuous main contract per product (roll by open interest or volume, back-adjusted) and print the roll log',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'each series in brief with its roll log')
      .option('product', { choices: PRODUCTS, array: true, describe: 'products (default: every product with daily bars)' })
      .option('by', { choices: ['oi', 'volume'] as const, default: 'oi' as const, describe: 'main contract = the one with the largest open interest or volume' })
      .option('adjust', { choices: ['ratio', 'difference'] as const, default: 'ratio' as const, describe: 'back-adjustment at rolls' })
      .option('rolls', { type: 'boolean', default: true, describe: 'print the roll log' }) as unknown as Argv<ContinuousArgs>,
  handler: (args) =>
    withExistingStore(args, async (store, out) => {
      const have = (await store.all<{ product: Product }>('SELECT DISTINCT product FROM bars_daily ORDER BY 1')).map((r) => r.product);
      const products = args.product ?? have;
      const missing = products.filter((p) => !have.includes(p));
      if (missing.length > 0) out.warn(`no daily bars for ${missing.join(', ')}`);
      const series = await refreshContinuous(store, products.filter((p) => have.includes(p)).map((product) => ({ product, rule: args.by, adjust: args.adjust })));
      for (const s of series) {
        out.result(`${s.product}: ${s.rows.length} days, ${s.rolls.length} rolls (${s.rule}, ${s.adjust}), ${s.rows[0]?.date ?? '-'} .. ${s.rows.at(-1)?.date ?? '-'}`);
        if (args.rolls && s.rolls.length > 0) {
          out.result(
            table(
              ['decided', 'effective', 'from', 'to', 'old close', 'new close', 'gap', 'why'],
              s.rolls.map((r) => [r.decidedOn, r.effective, r.from, r.to, r.fromClose, r.toClose, Number(r.gap.toFixed(6)), r.reason]),
            ),
          );
        }
      }
      // the roll log is data whatever --rolls says; --rolls only trims the table
      out.document(series.map((s) => ({ ...continuousBrief(s), rollLog: s.rolls })));
    }),
};
