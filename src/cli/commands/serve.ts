// bft serve: the desk's read-only HTTP API and page (src/signals/server.ts) until stopped.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { resolveDbPath, Store } from '../../data/index.js';
import { BftError } from '../../errors.js';
import { wholeNumberOption } from '../options.js';
import { terminalOutput } from '../output.js';
import { withStoreOptions, type StoreArgs } from './common.js';

interface ServeArgs extends StoreArgs {
  port: number;
  host: string;
}

// src/cli/commands or dist/cli/commands: the package root is three folders up either way.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'the desk API and page over HTTP, read-only against the store: GET /, /healthz, /signals/latest, /signals, /runs, /runs/:id, /openapi.json',
  builder: (y: Argv) =>
    withStoreOptions(y)
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0: any free one, printed)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind; 127.0.0.1 keeps it on this machine, 0.0.0.0 opens it to the network' })
      .coerce('port', wholeNumberOption('port', 0))
      .check((a) => {
        if ((a.port as number) > 65535) throw new BftError('usage', `--port must be at most 65535, got ${a.port as number}`);
        return true;
      }) as unknown as Argv<ServeArgs>,
  handler: async (args) => {
    const out = terminalOutput(args.quiet, false);
    const db = resolveDbPath(args.db);
    // A store that cannot be read is said now, in one line, not at the first request.
    (await Store.open(db, { mode: 'read' })).close();
    const { buildServer } = await import('../../signals/server.js');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const app = buildServer({ db, version, log: (l) => out.info(l) });
    const address = await app.listen({ port: args.port, host: args.host });
    out.result(`serving ${address} (store ${db}; read-only); Ctrl-C stops`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void app.close().then(() => resolve());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    out.info('stopped');
  },
};
