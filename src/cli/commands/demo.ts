// bft demo: the main job on the embedded default store. For now: synthesise a market into the
// store and print its status; later issues extend it to the full walk-forward.

import type { Argv, CommandModule } from 'yargs';
import { dataStatus } from '../../data/index.js';
import { withStore } from './common.js';
import { printStatus } from './status.js';
import { synthIntoStore, withSynthOptions, type SynthArgs } from './synth.js';

export const demoCommand: CommandModule<object, SynthArgs> = {
  command: 'demo',
  describe: 'synthesise the default market into the store and print its status',
  builder: (y: Argv) => withSynthOptions(y) as unknown as Argv<SynthArgs>,
  handler: (args) =>
    withStore(args, async (store, out) => {
      out.info(`store: ${store.path}`);
      await synthIntoStore(store, args, out);
      printStatus(out, await dataStatus(store));
    }),
};
