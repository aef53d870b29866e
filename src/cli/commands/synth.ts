// bft synth: a seeded synthetic market, written as CSV files and loaded through the same ingest
// (the work is ../synth-run.ts's, shared with bft demo).

import type { Argv, CommandModule } from 'yargs';
import { synthIntoStore, synthOptionsOf, withSynthOptions, type SynthArgs } from '../synth-run.js';
import { withStore } from './common.js';

export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'generate a seeded synthetic TS/TF/T/TL market (planted truth documented) and ingest it',
  builder: (y: Argv) => withSynthOptions(y, 'the options used, rows generated, both ingest summaries and the continuous series') as unknown as Argv<SynthArgs>,
  handler: (args) => {
    const opts = synthOptionsOf(args);
    return withStore(args, async (store, out) => {
      out.document(await synthIntoStore(store, opts, { keepIn: args.out, replace: args.replace }, out));
    });
  },
};
