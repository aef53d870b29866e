// bft daily: the evening routine in one command for a cron job: the day's vendor files into the
// store, retrain where the schedule says, signal every product, keep and print (docs/desk.md).

import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { failIfIncomplete, printEvening, signalsCsv, withDeskOptions, type DeskArgs } from '../desk.js';
import { printIngestSummary, withStore } from './common.js';

interface DailyArgs extends DeskArgs {
  files: string;
}

export const dailyCommand: CommandModule<object, DailyArgs> = {
  command: 'daily',
  describe: 'the evening routine: ingest the day\'s vendor files (--files DIR), retrain if due, signal every product, keep and print; exit 0 done, 4 a product got no signal, 5 a stale model served',
  builder: (y: Argv) =>
    withDeskOptions(y, 'the ingests and every product\'s signal')
      .option('files', { type: 'string', demandOption: true, describe: 'the evening\'s folder: daily/* daily bars, minute/* intraday bars naming their contract, minute/<PRODUCT>/* a product\'s main-contract file' }) as unknown as Argv<DailyArgs>,
  handler: async (args) => {
    const { readDeskConfig } = await import('../../signals/config.js');
    const { runRoutine } = await import('../../signals/routine.js');
    const desk = readDeskConfig(args.config);
    await withStore(args, async (store, out) => {
      const r = await runRoutine(store, desk, args.files, { products: args.product, retrain: args.retrain, log: (l) => out.info(l) });
      for (const s of r.ingests) printIngestSummary(out, s);
      printEvening(out, r.evening);
      out.document({ config: desk.path, ingests: r.ingests, products: r.evening });
      if (args.csv) {
        writeFileSync(args.csv, signalsCsv(r.evening));
        out.info(`written to ${args.csv}`);
      }
      failIfIncomplete(r.evening);
    });
  },
};
