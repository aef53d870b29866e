// bft data status

import type { Argv, CommandModule } from 'yargs';
import { dataStatus } from '../../data/index.js';
import { printStatus } from '../status-print.js';
import { withJsonOption, withStoreOptions, withStoreToRead, type JsonArgs, type StoreArgs } from './common.js';

type StatusArgs = StoreArgs & JsonArgs;

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: 'products, contracts, date ranges, bar counts, session gaps and rejects in the store',
  builder: (y: Argv) => withJsonOption(withStoreOptions(y), 'products, minute bars, splice resolution, continuous series and rejects') as unknown as Argv<StatusArgs>,
  handler: (args) =>
    withStoreToRead(args, async (store, out) => {
      const s = await dataStatus(store);
      printStatus(out, s);
      out.document(s);
    }),
};
