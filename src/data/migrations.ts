// Versioned schema migrations. A migration is applied once, in its own transaction, and recorded
// in schema_migrations; never edit a released migration, add the next one.
//
// Conventions: trade dates are DATE; intraday stamps are TIMESTAMP holding Asia/Shanghai wall-clock
// time of the bar END (see src/market/sessions.ts); prices in CNY per 100 face; volume and open
// interest in contracts; amount in CNY. Bar tables carry no PRIMARY KEY because DuckDB's index makes
// bulk loads several times slower; ingest keeps keys unique (delete-then-insert inside one
// transaction, tested in test/data/ingest.test.ts).

import { SPEC_VERSIONS } from '../market/specs.js';
import type { Store } from './store.js';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (s: Store) => Promise<void>;
}

async function v1(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE instrument_specs (
      product VARCHAR NOT NULL, valid_from DATE NOT NULL, valid_to DATE,
      underlying VARCHAR, face_value DOUBLE, multiplier DOUBLE, tick DOUBLE, tick_value DOUBLE,
      limit_pct DOUBLE,
      am_open SMALLINT, am_close SMALLINT, pm_open SMALLINT, pm_close SMALLINT,
      note VARCHAR,
      PRIMARY KEY (product, valid_from));
    CREATE TABLE instruments (
      contract VARCHAR PRIMARY KEY, product VARCHAR NOT NULL,
      delivery_year INTEGER, delivery_month INTEGER,
      listing_date DATE, last_trading_day DATE);
    CREATE SEQUENCE ingest_seq START 1;
    CREATE TABLE ingests (
      ingest_id BIGINT PRIMARY KEY, kind VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
      files INTEGER, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rows_collapsed BIGINT,
      options VARCHAR);
    CREATE TABLE ingest_files (
      ingest_id BIGINT, file_id INTEGER, path VARCHAR, format VARCHAR, layout VARCHAR,
      interval_min SMALLINT, stamp VARCHAR, amount_scale DOUBLE, rows_read BIGINT, rows_loaded BIGINT,
      rows_rejected BIGINT, rows_collapsed BIGINT);
    CREATE TABLE rejects (
      ingest_id BIGINT, file VARCHAR, line BIGINT, field VARCHAR, code VARCHAR, value VARCHAR,
      reason VARCHAR);
    CREATE TABLE bars_daily (
      contract VARCHAR NOT NULL, product VARCHAR NOT NULL, trade_date DATE NOT NULL,
      open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, settle DOUBLE, pre_settle DOUBLE,
      volume BIGINT, amount DOUBLE, open_interest BIGINT, ingest_id BIGINT);
    CREATE TABLE bars_minute (
      contract VARCHAR NOT NULL, product VARCHAR NOT NULL, interval_min SMALLINT NOT NULL,
      ts TIMESTAMP NOT NULL, trade_date DATE NOT NULL,
      open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
      volume BIGINT, amount DOUBLE, open_interest BIGINT, ingest_id BIGINT);
    CREATE TABLE contract_resolution (
      product VARCHAR, trade_date DATE, interval_min SMALLINT, contract VARCHAR, method VARCHAR,
      detail VARCHAR, ingest_id BIGINT);
    CREATE TABLE continuous_daily (
      product VARCHAR, rule VARCHAR, adjust VARCHAR, trade_date DATE, contract VARCHAR,
      open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, settle DOUBLE,
      volume BIGINT, open_interest BIGINT,
      adj_open DOUBLE, adj_high DOUBLE, adj_low DOUBLE, adj_close DOUBLE, adj_settle DOUBLE,
      adj_factor DOUBLE, is_roll BOOLEAN);
    CREATE TABLE rolls (
      product VARCHAR, rule VARCHAR, adjust VARCHAR, decided_on DATE, effective DATE,
      from_contract VARCHAR, to_contract VARCHAR, from_close DOUBLE, to_close DOUBLE, gap DOUBLE,
      reason VARCHAR);
  `);
  const a = await s.conn.createAppender('instrument_specs');
  for (const v of SPEC_VERSIONS) {
    const am = v.sessions[0]!;
    const pm = v.sessions[1]!;
    a.appendVarchar(v.product);
    a.appendVarchar(v.from);
    if (v.to === null) a.appendNull();
    else a.appendVarchar(v.to);
    a.appendVarchar(v.underlying);
    a.appendDouble(v.faceValue);
    a.appendDouble(v.multiplier);
    a.appendDouble(v.tick);
    a.appendDouble(v.tickValue);
    a.appendDouble(v.limit);
    a.appendSmallInt(am.open);
    a.appendSmallInt(am.close);
    a.appendSmallInt(pm.open);
    a.appendSmallInt(pm.close);
    a.appendVarchar(v.note);
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}

// Walk-forward runs (src/eval/run/runs.ts). A job (model x fold x seed) lands with its predictions in one
// transaction, so a killed run resumes from the jobs recorded here without duplicates or gaps.
async function v2(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE runs (
      run_id VARCHAR PRIMARY KEY, experiment VARCHAR, created_at TIMESTAMP, finished_at TIMESTAMP,
      status VARCHAR, config_json VARCHAR, plan_json VARCHAR, commit VARCHAR, dir VARCHAR,
      jobs INTEGER, summary_json VARCHAR);
    CREATE TABLE run_jobs (
      run_id VARCHAR, model VARCHAR, fold INTEGER, seed INTEGER, epochs INTEGER, best_epoch INTEGER,
      train_samples INTEGER, train_accuracy DOUBLE, train_loss DOUBLE,
      validation_accuracy DOUBLE, validation_loss DOUBLE, test_accuracy DOUBLE, test_loss DOUBLE,
      seconds DOUBLE, finished_at TIMESTAMP,
      PRIMARY KEY (run_id, model, fold, seed));
    CREATE TABLE predictions (
      run_id VARCHAR, model VARCHAR, seed INTEGER, fold INTEGER, date DATE, product VARCHAR,
      contract VARCHAR, traded_contract VARCHAR, probability DOUBLE, label INTEGER,
      next_return DOUBLE, next_ticks DOUBLE,
      PRIMARY KEY (run_id, model, seed, date));
  `);
}

// CPCV tests a date in several folds, so a prediction is keyed by its fold too. DuckDB cannot
// change a primary key in place: the table is copied into one with the new key.
async function v3(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE predictions_v3 (
      run_id VARCHAR, model VARCHAR, seed INTEGER, fold INTEGER, date DATE, product VARCHAR,
      contract VARCHAR, traded_contract VARCHAR, probability DOUBLE, label INTEGER,
      next_return DOUBLE, next_ticks DOUBLE,
      PRIMARY KEY (run_id, model, seed, fold, date));
    INSERT INTO predictions_v3 SELECT * FROM predictions;
    DROP TABLE predictions;
    ALTER TABLE predictions_v3 RENAME TO predictions;
  `);
}

// The process running a run (src/eval/run/runs.ts): a run left `running` by a killed process is shown
// as stopped when its pid is gone. IF NOT EXISTS: a store rolled back to an earlier version by
// deleting its migration rows keeps the columns.
async function v4(s: Store): Promise<void> {
  await s.run(`
    ALTER TABLE runs ADD COLUMN IF NOT EXISTS pid INTEGER;
    ALTER TABLE runs ADD COLUMN IF NOT EXISTS host VARCHAR;
  `);
}

// Desk signals (src/signals/history.ts): one row per product, evening and revision. A re-run that
// gives the same signal adds nothing; a different one (new data, new model) is the next revision,
// with its reason, and never overwrites the one before.
async function v5(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE IF NOT EXISTS signals (
      product VARCHAR NOT NULL, as_of DATE NOT NULL, revision INTEGER NOT NULL, for_date DATE NOT NULL,
      created_at TIMESTAMP NOT NULL, reason VARCHAR NOT NULL,
      contract VARCHAR NOT NULL, minute_contract VARCHAR, p_up DOUBLE NOT NULL, direction VARCHAR NOT NULL,
      confidence DOUBLE NOT NULL, combination DOUBLE NOT NULL, contracts INTEGER NOT NULL,
      budget_cny DOUBLE NOT NULL, risk_per_contract_cny DOUBLE NOT NULL, tick_value DOUBLE NOT NULL,
      model_name VARCHAR NOT NULL, model_id VARCHAR NOT NULL, trained_from DATE NOT NULL, trained_through DATE NOT NULL,
      daily_through DATE NOT NULL, minute_through DATE, signal_json VARCHAR NOT NULL,
      PRIMARY KEY (product, as_of, revision));
  `);
}

// A date of a cross-sectional dataset kind (stocks) holds many samples: a prediction is keyed by
// its instrument too (column product: the futures product, or the stock code). Copied as in v3.
async function v6(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE predictions_v6 (
      run_id VARCHAR, model VARCHAR, seed INTEGER, fold INTEGER, date DATE, product VARCHAR,
      contract VARCHAR, traded_contract VARCHAR, probability DOUBLE, label INTEGER,
      next_return DOUBLE, next_ticks DOUBLE,
      PRIMARY KEY (run_id, model, seed, fold, date, product));
    INSERT INTO predictions_v6 SELECT * FROM predictions;
    DROP TABLE predictions;
    ALTER TABLE predictions_v6 RENAME TO predictions;
  `);
}

// The A-share stock panel (src/data/stocks/): securities, industry classifications with their
// as-of date, daily bars with the derived return, turnover and limit state, point-in-time
// fundamentals keyed by announcement date, and index membership (flagged when it is a static list
// applied back in time). Money in CNY, ratios as fractions, shares in shares.
async function v7(s: Store): Promise<void> {
  await s.run(`
    CREATE TABLE IF NOT EXISTS stock_securities (
      code VARCHAR PRIMARY KEY, name VARCHAR, exchange VARCHAR NOT NULL, board VARCHAR NOT NULL,
      list_date DATE, delist_date DATE, ingest_id BIGINT);
    CREATE TABLE IF NOT EXISTS stock_industries (
      code VARCHAR NOT NULL, classification VARCHAR NOT NULL, as_of DATE NOT NULL, industry VARCHAR,
      ingest_id BIGINT, PRIMARY KEY (code, classification, as_of));
    CREATE TABLE IF NOT EXISTS stock_bars_daily (
      code VARCHAR NOT NULL, trade_date DATE NOT NULL,
      open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, preclose DOUBLE,
      volume DOUBLE, amount DOUBLE, turnover DOUBLE, ret DOUBLE, tradable BOOLEAN NOT NULL,
      is_st BOOLEAN NOT NULL, limit_state TINYINT NOT NULL, float_shares DOUBLE,
      pe_ttm DOUBLE, pb_mrq DOUBLE, ps_ttm DOUBLE, pcf_ttm DOUBLE, ingest_id BIGINT);
    CREATE TABLE IF NOT EXISTS stock_fundamentals (
      code VARCHAR NOT NULL, announced DATE NOT NULL, period DATE NOT NULL,
      roe DOUBLE, np_margin DOUBLE, gp_margin DOUBLE, net_profit DOUBLE, eps_ttm DOUBLE, revenue DOUBLE,
      total_shares DOUBLE, float_shares DOUBLE, total_assets DOUBLE, total_liabilities DOUBLE,
      long_term_debt DOUBLE, book_equity DOUBLE, ingest_id BIGINT,
      PRIMARY KEY (code, period, announced));
    CREATE TABLE IF NOT EXISTS index_members (
      index_code VARCHAR NOT NULL, code VARCHAR NOT NULL, as_of DATE NOT NULL, historical BOOLEAN NOT NULL,
      ingest_id BIGINT, PRIMARY KEY (index_code, code, as_of));
  `);
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'bars, specs, ingest log, continuous', up: v1 },
  { version: 2, name: 'walk-forward runs, jobs, predictions', up: v2 },
  { version: 3, name: 'predictions keyed by fold (CPCV)', up: v3 },
  { version: 4, name: 'runs record the process running them', up: v4 },
  { version: 5, name: 'desk signals with revisions', up: v5 },
  { version: 6, name: 'predictions keyed by instrument (cross-sections)', up: v6 },
  { version: 7, name: 'A-share stock panel: securities, industries, bars, fundamentals, index members', up: v7 },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Versions of the migrations not among `applied`. */
export function pendingMigrations(applied: readonly number[]): number[] {
  const done = new Set(applied);
  return MIGRATIONS.filter((m) => !done.has(m.version)).map((m) => m.version);
}

export async function migrate(s: Store): Promise<number[]> {
  await s.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)`);
  const done = new Set((await s.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await s.transaction(async () => {
      await m.up(s);
      await s.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}
