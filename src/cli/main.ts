#!/usr/bin/env node
// The bft command line: parse, call, print. A BftError prints one line and exits with its code's
// exit code (src/errors.ts); anything else is a bug and says so.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BftError, exitCodeOf } from '../errors.js';
// The dataset kinds bft knows, registered with the engine (src/eval/run/kind.ts) on import.
import '../timing/kind.js';
import '../timing/pooled.js';
import { continuousCommand } from './commands/continuous.js';
import { demoCommand } from './commands/demo.js';
import { ingestCommand } from './commands/ingest.js';
import { predictCommand } from './commands/predict.js';
import { statusCommand } from './commands/status.js';
import { synthCommand } from './commands/synth.js';
import { trainCommand } from './commands/train.js';
import { walkForwardCommand } from './commands/walk-forward.js';
import { runsCommand } from './commands/runs.js';
import { signalCommand } from './commands/signal.js';
import { dailyCommand } from './commands/daily.js';
import { serveCommand } from './commands/serve.js';
import { overfitCheckCommand } from './commands/overfit-check.js';
import { equityCommand } from './commands/equity.js';
import { EXIT, EXIT_TABLE } from './exit-codes.js';
import { checkNumbers } from './options.js';
import { ignoreClosedPipes } from './output.js';

/** A usage error as one line (yargs may give several, e.g. a suggestion). */
function usageLine(msg: string): string {
  return `bft: ${msg.trim().replace(/\s*\n\s*/g, '; ')} (see --help)\n`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await yargs(argv)
      .scriptName('bft')
      .usage('$0 <command> [options]\n\nTimes CFFEX treasury-bond futures (TS, TF, T, TL) with dual-channel deep-learning models.')
      .command(ingestCommand)
      .command('data', 'inspect the store', (y) => y.command(statusCommand).demandCommand(1, 'name a data command: status'))
      .command(continuousCommand)
      .command(synthCommand)
      .command(demoCommand)
      .command(trainCommand)
      .command(predictCommand)
      .command(walkForwardCommand)
      .command(runsCommand)
      .command(overfitCheckCommand)
      .command(signalCommand)
      .command(dailyCommand)
      .command(serveCommand)
      .command(equityCommand)
      .demandCommand(1, 'name a command')
      .strict()
      .recommendCommands()
      .epilogue(`Store: --db PATH, else $BFT_DB, else datasets/bft.duckdb.\n${EXIT_TABLE}`)
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .middleware((a) => checkNumbers(a), true)
      .fail((msg, err) => {
        // Thrown, not recorded: yargs runs a command's handler after a failed check unless the
        // failure throws. yargs' own validation errors (YError) become usage errors; anything
        // else came from a command and goes on as it is.
        if (err && err.name !== 'YError') throw err;
        throw new BftError('usage', msg ?? err?.message ?? 'invalid arguments');
      })
      .help()
      .version()
      .parseAsync();
  } catch (e) {
    // a failed .check() in a command builder may reach here as a bare string
    if (typeof e === 'string') {
      process.stderr.write(usageLine(e));
      return EXIT.badInput;
    }
    if (e instanceof BftError) {
      process.stderr.write(e.code === 'usage' ? usageLine(e.message) : `bft: ${e.message}\n`);
      return exitCodeOf(e);
    }
    process.stderr.write(`bft: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['BFT_DEBUG'] && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
  return EXIT.ok;
}

ignoreClosedPipes();
main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
