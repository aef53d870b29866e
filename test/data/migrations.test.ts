import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/data/migrations.js';
import { Store } from '../../src/data/store.js';
import { tempDir } from '../helpers/fixtures.js';

const tmp = tempDir('bft-migrate-');
afterAll(() => tmp.cleanup());

const row = (fold: number): string => `('r1', 'm', 0, ${fold}, DATE '2024-01-02', 'T', 'T2403', 'T2403', 0.6, 1, 0.001, 2)`;

describe('migrations', () => {
  it('moves a v2 store\'s predictions to the fold-keyed table without losing a row', async () => {
    const path = join(tmp.dir, 'store.duckdb');
    let s = await Store.open(path);
    // Back to schema 2: the predictions table as v2 made it, with a row in it.
    await s.run(`DROP TABLE predictions; DELETE FROM schema_migrations WHERE version >= 3;
      CREATE TABLE predictions (run_id VARCHAR, model VARCHAR, seed INTEGER, fold INTEGER, date DATE, product VARCHAR,
        contract VARCHAR, traded_contract VARCHAR, probability DOUBLE, label INTEGER, next_return DOUBLE, next_ticks DOUBLE,
        PRIMARY KEY (run_id, model, seed, date));
      INSERT INTO predictions VALUES ${row(0)}`);
    await expect(s.run(`INSERT INTO predictions VALUES ${row(1)}`)).rejects.toThrow(/constraint|duplicate/i);
    s.close();

    s = await Store.open(path);
    const versions = (await s.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
    expect(versions[versions.length - 1]).toBe(SCHEMA_VERSION);
    expect(await s.all('SELECT fold, probability FROM predictions')).toEqual([{ fold: 0, probability: 0.6 }]);
    // The same date of the same model and seed, predicted by another fold (CPCV), now fits; the same fold twice still does not.
    await s.run(`INSERT INTO predictions VALUES ${row(1)}`);
    await expect(s.run(`INSERT INTO predictions VALUES ${row(1)}`)).rejects.toThrow(/constraint|duplicate/i);
    expect(await s.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM predictions')).toEqual([{ n: 2 }]);
    s.close();
  });

  it('keys predictions by instrument too: two stocks on one date of one fold fit, one stock twice does not', async () => {
    const path = join(tmp.dir, 'cross.duckdb');
    const s = await Store.open(path);
    const stock = (code: string): string => `('r1', 'm', 0, 0, DATE '2024-01-02', '${code}', '${code}', NULL, 0.6, 1, 0.001, NULL)`;
    await s.run(`INSERT INTO predictions VALUES ${stock('600000')}, ${stock('600036')}`);
    await expect(s.run(`INSERT INTO predictions VALUES ${stock('600036')}`)).rejects.toThrow(/constraint|duplicate/i);
    expect(await s.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM predictions')).toEqual([{ n: 2 }]);
    s.close();
  });
});
