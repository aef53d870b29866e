import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, truncateSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/store.js';
import { BftError } from '../../src/errors.js';
import { tempDir } from '../helpers/fixtures.js';

const tmp = tempDir('bft-store-');
afterAll(() => tmp.cleanup());

/** A second process that opens the store (read-write unless `readOnly`) and keeps it open until killed. */
function holdStore(path: string, readOnly = false): Promise<ReturnType<typeof spawn>> {
  const opts = readOnly ? ", { access_mode: 'READ_ONLY' }" : '';
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(process.argv[1]${opts}); await i.connect(); console.log('open'); setInterval(() => {}, 1000);`, path], { cwd: process.cwd() });
  return new Promise((resolve, reject) => {
    holder.stdout!.on('data', (d: Buffer) => d.toString().includes('open') && resolve(holder));
    holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

async function openError(path: string, opts: Parameters<typeof Store.open>[1] = {}): Promise<BftError> {
  const err = await Store.open(path, opts).then(
    (s) => {
      s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BftError);
  return err as BftError;
}

describe('Store.open', () => {
  it('says another process holds the store when DuckDB cannot lock the file', async () => {
    const path = join(tmp.dir, 'held.duckdb');
    (await Store.open(path)).close();
    // Another process opens the file and keeps it open, as a running ingest does.
    const holder = await holdStore(path);
    try {
      const err = await openError(path, { lockWaitMs: 300 });
      expect(err.code).toBe('store_unavailable');
      expect(err.message).toMatch(new RegExp(`^cannot open store .*held\\.duckdb: another process \\(PID ${holder.pid}\\) holds its lock, .*waited 0\\.3 s`));
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);

  it('a read finds no store where there is none and creates nothing', async () => {
    const path = join(tmp.dir, 'missing', 'none.duckdb');
    const err = await openError(path, { mode: 'read' });
    expect(err.code).toBe('store_missing');
    expect(err.message).toMatch(/^no store at .*none\.duckdb: check --db/);
    expect(existsSync(join(tmp.dir, 'missing'))).toBe(false);
  });

  it('reads alongside another reading process and leaves the file as it was', async () => {
    const path = join(tmp.dir, 'shared.duckdb');
    const w = await Store.open(path);
    await w.run('CREATE TABLE t AS SELECT 1 AS x');
    w.close();
    const before = readFileSync(path);
    const other = await holdStore(path, true);
    try {
      const r = await Store.open(path, { mode: 'read', lockWaitMs: 0 });
      expect(await r.scalar('SELECT count(*) FROM t')).toBe(1);
      // temp tables (the dataset loader's) work on a read-only store
      await r.run('CREATE TEMP TABLE scratch AS SELECT 2 AS y');
      r.close();
    } finally {
      other.kill('SIGKILL');
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  }, 30_000);

  it('a released store lets another process open the file, and the next query takes it back', async () => {
    const path = join(tmp.dir, 'released.duckdb');
    const s = await Store.open(path);
    await s.run('CREATE TABLE t (x INTEGER)');
    s.release();
    const peek = spawnSync(process.execPath, ['--input-type=module', '-e', `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(process.argv[1], { access_mode: 'READ_ONLY' }); const c = await i.connect(); console.log(Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]));`, path], { encoding: 'utf8' });
    expect(peek.status, peek.stderr).toBe(0);
    expect(peek.stdout.trim()).toBe('0');
    await s.run('INSERT INTO t VALUES (1)');
    expect(await s.scalar('SELECT count(*) FROM t')).toBe(1);
    s.close();
  }, 30_000);

  it('calls a truncated store file damaged (store_unavailable), not a bug', async () => {
    const path = join(tmp.dir, 'whole.duckdb');
    const s = await Store.open(path);
    await s.run('CREATE TABLE t AS SELECT range AS x FROM range(200000)');
    s.close();
    const cut = join(tmp.dir, 'cut.duckdb');
    copyFileSync(path, cut);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    for (const mode of ['read', 'write'] as const) {
      const err = await openError(cut, { mode });
      expect(err.code).toBe('store_unavailable');
      expect(err.message).toMatch(/cut\.duckdb.*Could not read enough bytes/);
    }
  });

  it('reports a write-ahead log left by a killed writer, and keeps what it had committed', async () => {
    const path = join(tmp.dir, 'killed.duckdb');
    (await Store.open(path)).close();
    // A writer commits one row, then dies before it can checkpoint: its .wal stays behind.
    const killed = spawnSync(process.execPath, ['--input-type=module', '-e', `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(process.argv[1]); const c = await i.connect(); await c.run('CREATE TABLE t AS SELECT 42 AS x'); process.kill(process.pid, 'SIGKILL');`, path]);
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(`${path}.wal`)).toBe(true);
    const s = await Store.open(path, { mode: 'read' });
    expect(s.report.recoveredWal).toBe(true);
    expect(await s.scalar('SELECT x FROM t')).toBe(42);
    s.close();
  }, 30_000);
});
