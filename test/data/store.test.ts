import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { Store } from '../../src/data/store.js';
import { tempDir } from '../helpers/fixtures.js';

const tmp = tempDir('bft-store-');
afterAll(() => tmp.cleanup());

describe('Store.open', () => {
  it('says another process holds the store when DuckDB cannot lock the file', async () => {
    const path = join(tmp.dir, 'held.duckdb');
    (await Store.open(path)).close();
    // Another process opens the file and keeps it open, as a running walk-forward does.
    const holder = spawn(process.execPath, ['--input-type=module', '-e', "import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(process.argv[1]); await i.connect(); console.log('open'); setInterval(() => {}, 1000);", path], { cwd: process.cwd() });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const err = await Store.open(path).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).code).toBe('store_unavailable');
      expect((err as Error).message).toMatch(/^cannot open store .*held\.duckdb: .*lock.*another process, such as a running bft walk-forward/);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});
