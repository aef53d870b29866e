// The DuckDB bar store: one embedded database file (or ':memory:'), opened through
// @duckdb/node-api, migrated to the current schema on open.
//
// DuckDB lets one process at a time hold a file for writing, and readers only while no process
// writes. So a command that only reads opens the file read-only (several can look in at once),
// and a long command that writes now and then (a walk-forward) releases the file between its
// writes; an open that meets another process's lock waits a little before it gives up.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { BftError, firstLine } from '../errors.js';
import { migrate, pendingMigrations } from './migrations.js';

export const DEFAULT_DB = 'datasets/bft.duckdb';

/** Where the store lives: --db, else $BFT_DB, else datasets/bft.duckdb under the working directory. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const p = flag ?? env['BFT_DB'] ?? DEFAULT_DB;
  return p === ':memory:' ? p : resolve(p);
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** 'write' creates the file when missing; 'read' needs an existing store and never changes it. */
export type StoreMode = 'write' | 'read';

export interface OpenOptions {
  readonly mode?: StoreMode | undefined;
  /** In 'write' mode, create the store when missing (default true; commands that only update an existing store say false). */
  readonly create?: boolean | undefined;
  /** How long to wait for another process's lock before giving up (default 5 s). */
  readonly lockWaitMs?: number | undefined;
}

const DEFAULT_LOCK_WAIT_MS = 5_000;
const LOCK_RETRY_MS = 100;
const REOPEN_WAIT_MS = 60_000;
const LOCKED = /Could not set lock|Conflicting lock/i;

/** How an open went, for the command to tell the user. */
export interface OpenReport {
  /** The file did not exist: this open created it (and `createdDir`, when not null). */
  readonly created: boolean;
  readonly createdDir: string | null;
  /**
   * A write-ahead log was left by a process that stopped without closing the store: DuckDB
   * replayed its committed transactions and discarded what was not committed.
   */
  readonly recoveredWal: boolean;
}

export class Store {
  private instance: DuckDBInstance | null;
  private connection: DuckDBConnection | null;

  private constructor(
    readonly path: string,
    readonly mode: StoreMode,
    readonly report: OpenReport,
    private readonly lockWaitMs: number,
    opened: { instance: DuckDBInstance; conn: DuckDBConnection },
  ) {
    this.instance = opened.instance;
    this.connection = opened.conn;
  }

  /**
   * Opens the store at `path` (creating it in 'write' mode) and applies pending migrations.
   * Throws BftError 'store_missing' when a read finds no store, 'store_unavailable' when the
   * file is locked, damaged or not a DuckDB store.
   */
  static async open(path: string, opts: OpenOptions = {}): Promise<Store> {
    const mode = opts.mode ?? 'write';
    const lockWaitMs = opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    if (path === ':memory:') {
      const instance = await DuckDBInstance.create(path);
      const store = new Store(path, 'write', { created: false, createdDir: null, recoveredWal: false }, lockWaitMs, { instance, conn: await instance.connect() });
      await migrate(store);
      return store;
    }
    const existed = existsSync(path);
    if (!existed && (mode === 'read' || opts.create === false)) {
      throw new BftError('store_missing', `no store at ${path}: check --db (or $BFT_DB), or create one with bft ingest or bft synth`, { path });
    }
    const recoveredWal = existed && existsSync(`${path}.wal`);
    const createdDir = existed ? null : (mkdirSync(dirname(path), { recursive: true }) ?? null);
    const report: OpenReport = { created: !existed, createdDir, recoveredWal };
    try {
      if (mode === 'read' && (await needsMigration(path, lockWaitMs))) {
        // An older store is brought up to date once; reading never changes it otherwise.
        (await Store.open(path, { mode: 'write', lockWaitMs })).close();
      }
      const store = new Store(path, mode, report, lockWaitMs, await connect(path, mode, lockWaitMs));
      if (mode === 'write') await store.guard(() => migrate(store));
      return store;
    } catch (e) {
      if (!existed) removeStoreFiles(path, createdDir);
      throw e;
    }
  }

  /** The open connection; after a release, only a query (run, all) opens the file again. */
  get conn(): DuckDBConnection {
    if (this.connection === null) throw new Error(`store ${this.path} was released: run a query to open it again`);
    return this.connection;
  }

  private async reopen(): Promise<DuckDBConnection> {
    if (this.connection === null) {
      // A released store waits longer: losing a finished job to a reader's short look is worse.
      const opened = await connect(this.path, this.mode, Math.max(this.lockWaitMs, REOPEN_WAIT_MS));
      this.instance = opened.instance;
      this.connection = opened.conn;
    }
    return this.connection;
  }

  async run(sql: string, params?: Params): Promise<void> {
    const c = await this.reopen();
    await this.guard(() => c.run(sql, params));
  }

  /** Rows as plain objects; BIGINT and HUGEINT come back as numbers, DATEs as Date. */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const c = await this.reopen();
    const reader = await this.guard(() => c.runAndReadAll(sql, params));
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

  /**
   * Closes the file so that other processes can open it; the next query opens it again (waiting
   * for their locks). Temp tables do not survive a release. An in-memory store is kept: closing
   * it would lose it.
   */
  release(): void {
    if (this.path === ':memory:') return;
    this.close();
  }

  close(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = null;
    this.instance = null;
  }

  /** A damaged file shows itself only when a page is read: say so as a store error, not a bug. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isDamage(e)) throw new BftError('store_unavailable', `store ${this.path} is damaged: ${firstLine(e)} (restore it from a copy, or start a new one with --db)`, { path: this.path });
      throw e;
    }
  }
}

function isDamage(e: unknown): boolean {
  const text = e instanceof Error ? e.message : String(e);
  return /^IO Error: (Could not read enough bytes|Corrupt)|Corrupt database file|checksum/i.test(text);
}

/** Opens the DuckDB file, retrying while another process holds its lock. */
async function connect(path: string, mode: StoreMode, lockWaitMs: number): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      const instance = await DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY' } : {});
      return { instance, conn: await instance.connect() };
    } catch (e) {
      const why = firstLine(e);
      const locked = LOCKED.test(why);
      if (locked && Date.now() < deadline) {
        await sleep(LOCK_RETRY_MS);
        continue;
      }
      if (locked) {
        const pid = /\(PID (\d+)\)/.exec(why)?.[1];
        throw new BftError(
          'store_unavailable',
          `cannot open store ${path}: another process${pid ? ` (PID ${pid})` : ''} holds its lock, such as a running bft ingest, synth or demo; waited ${(lockWaitMs / 1000).toFixed(1)} s: wait for it, or use another --db`,
          { path },
        );
      }
      throw new BftError('store_unavailable', `cannot open store ${path}: ${why}`, { path });
    }
  }
}

/** Whether a store file lacks a migration (read through a short read-only open). */
async function needsMigration(path: string, lockWaitMs: number): Promise<boolean> {
  const { instance, conn } = await connect(path, 'read', lockWaitMs);
  try {
    const has = await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'`);
    if (Number(has.getRows()[0]?.[0] ?? 0) === 0) return true;
    const rows = await conn.runAndReadAll('SELECT version FROM schema_migrations');
    return pendingMigrations(rows.getRows().map((r) => Number(r[0]))).length > 0;
  } catch (e) {
    if (isDamage(e)) throw new BftError('store_unavailable', `store ${path} is damaged: ${firstLine(e)} (restore it from a copy, or start a new one with --db)`, { path });
    throw e;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Removes a store this process created and the folder it created for it. */
export function removeStoreFiles(path: string, createdDir: string | null): void {
  for (const f of [path, `${path}.wal`]) rmSync(f, { force: true });
  if (createdDir !== null) rmSync(createdDir, { recursive: true, force: true });
}

/** Quotes a string as a SQL literal (for file paths and names inside DDL, where binds are not allowed). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Quotes an identifier (column names from vendor files, which may be Chinese or have spaces). */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
