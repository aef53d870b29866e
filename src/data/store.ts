// The DuckDB bar store: one embedded database file (or ':memory:'), opened through
// @duckdb/node-api, migrated to the current schema on open.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { DataError, firstLine } from './errors.js';
import { migrate } from './migrations.js';

export const DEFAULT_DB = 'datasets/bft.duckdb';

/** Where the store lives: --db, else $BFT_DB, else datasets/bft.duckdb under the working directory. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const p = flag ?? env['BFT_DB'] ?? DEFAULT_DB;
  return p === ':memory:' ? p : resolve(p);
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the store at `path` and applies pending migrations. */
  static async open(path: string): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (e) {
      const why = firstLine(e);
      // DuckDB lets one process at a time open a file; a running walk-forward holds it to the end.
      const hint = /Could not set lock/i.test(why) ? ' (another process, such as a running bft walk-forward or overfit-check, has this store open: wait for it, or use another --db)' : '';
      throw new DataError('store_unavailable', `cannot open store ${path}: ${why}${hint}`, { path });
    }
    const store = new Store(path, instance, await instance.connect());
    await migrate(store);
    return store;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.conn.run(sql, params);
  }

  /** Rows as plain objects; BIGINT and HUGEINT come back as numbers, DATEs as Date. */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((r) => {
      const o: Row = {};
      for (const [k, v] of Object.entries(r)) o[k] = typeof v === 'bigint' ? Number(v) : v;
      return o as T;
    });
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async scalar<T = unknown>(sql: string, params?: Params): Promise<T> {
    const row = await this.one(sql, params);
    return (row ? Object.values(row)[0] : undefined) as T;
  }

  /** Runs `fn` in one transaction: all of it lands or none of it does. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.run('COMMIT');
      return out;
    } catch (e) {
      await this.run('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Quotes a string as a SQL literal (for file paths and names inside DDL, where binds are not allowed). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Quotes an identifier (column names from vendor files, which may be Chinese or have spaces). */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
