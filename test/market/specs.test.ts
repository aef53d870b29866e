// The effective dates in src/market/specs.ts that come from the data, checked against the data:
// every traded price sits on the tick grid in force that day, the old grid is still in use on the
// last day of a version, and the limit band holds (doubled until a contract first trades).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/store.js';

const DIR = resolve(__dirname, '../../../shared/data/cffex-tbf-daily-contracts');
const have = existsSync(DIR);
let store: Store;

describe.skipIf(!have)('specifications against the real daily contracts', () => {
  beforeAll(async () => {
    store = await Store.open(':memory:');
    await store.run(`
      CREATE TEMP TABLE px AS
      SELECT DISTINCT variety AS product, symbol, CAST(strptime(CAST(date AS VARCHAR), '%Y%m%d') AS DATE) AS d,
             open, high, low, close, volume, pre_settle
      FROM read_csv('${DIR}/*.csv', union_by_name = true)`);
  });
  afterAll(() => store?.close());

  /** SQL: some price of the row is off the grid of `tick` (a number or a column). */
  const offGrid = (tick: string): string =>
    `(abs(open / ${tick} - round(open / ${tick})) > 1e-6 OR abs(high / ${tick} - round(high / ${tick})) > 1e-6
      OR abs(low / ${tick} - round(low / ${tick})) > 1e-6 OR abs(close / ${tick} - round(close / ${tick})) > 1e-6)`;

  it('puts every traded price on the tick grid in force that day', async () => {
    const n = await store.scalar<number>(`
      SELECT count(*) FROM px p JOIN instrument_specs s ON s.product = p.product
        AND p.d BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
      WHERE p.volume > 0 AND ${offGrid('s.tick')}`);
    expect(n).toBe(0);
  });

  it('still shows the old, finer grid on the last day of TF 0.002 and the new one from TS 2023-11-07', async () => {
    const lastTf002 = await store.scalar<string>(`SELECT strftime(max(d), '%Y-%m-%d') FROM px WHERE product = 'TF' AND volume > 0 AND ${offGrid('0.005')}`);
    expect(lastTf002).toBe('2015-03-16');
    const firstTs002 = await store.scalar<string>(`SELECT strftime(min(d), '%Y-%m-%d') FROM px WHERE product = 'TS' AND volume > 0 AND ${offGrid('0.005')}`);
    expect(firstTs002).toBe('2023-11-07');
  });

  it('keeps every move inside the limit, doubled until a contract first trades; TF moved beyond 1.2% only before 2015-08-28', async () => {
    const beyond = await store.all<{ symbol: string; d: string }>(`
      WITH ft AS (SELECT symbol, min(d) FILTER (WHERE volume > 0) AS first FROM px GROUP BY symbol)
      SELECT p.symbol, strftime(p.d, '%Y-%m-%d') AS d
      FROM px p JOIN ft USING (symbol) JOIN instrument_specs s ON s.product = p.product
        AND p.d BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
      WHERE p.volume > 0
        AND greatest(abs(p.high - p.pre_settle), abs(p.low - p.pre_settle))
            > p.pre_settle * s.limit_pct * CASE WHEN p.d <= ft.first THEN 2 ELSE 1 END + s.tick + 1e-9`);
    expect(beyond).toEqual([]);
    const lastTfWide = await store.scalar<string>(`
      WITH ft AS (SELECT symbol, min(d) FILTER (WHERE volume > 0) AS first FROM px GROUP BY symbol)
      SELECT strftime(max(d), '%Y-%m-%d') FROM px JOIN ft USING (symbol)
      WHERE product = 'TF' AND volume > 0 AND d > ft.first AND greatest(abs(high - pre_settle), abs(low - pre_settle)) > pre_settle * 0.012`);
    expect(lastTfWide).toBe('2015-08-27');
  });
});
