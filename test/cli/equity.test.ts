// bft equity as a user runs it: ingest files into a store file, read the panel back, and the
// one-line errors of bad input.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bft } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const HEAD = 'volume,code,psTTM,high,adjustflag,tradestatus,pbMRQ,preclose,pctChg,open,close,peTTM,isST,turn,pcfNcfTTM,low,date,amount,time';
const row = (code: string, date: string, close: number, preclose: number): string => [1e6, code, 2, close, 3, 1, 1.5, preclose, ((close / preclose - 1) * 100).toFixed(6), close, close, 12, 0, 0.4, 9, close, date, 1e6 * close, date].join(',');

describe('bft equity', () => {
  const tmp = tempDir('bft-equity-cli-');
  afterAll(() => tmp.cleanup());
  const db = join(tmp.dir, 'store.duckdb');
  const write = (name: string, lines: string[]): string => {
    const p = join(tmp.dir, name);
    writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };

  it('ingests bars, industries and members, prints what it loaded, and reads the panel back (--json too)', () => {
    const daily = write('daily.csv', [HEAD, row('sh.600000', '2024-06-03', 10, 10), row('sh.600000', '2024-06-04', 10.2, 10), row('sz.000001', '2024-06-03', 9, 9), row('sz.000001', '2024-06-04', 8.9, 9), row('sz.000001', '2024-06-08', 9, 8.9)]);
    const industry = write('industry.csv', ['updateDate,code,code_name,industry,industryClassification', '2025-10-20,sh.600000,A,J66,证监会行业分类', '2025-10-20,sz.000001,B,J66,证监会行业分类']);
    const members = write('members.csv', ['updateDate,code,code_name', '2026/2/26,sh.600000,A']);
    const r = bft(['equity', 'ingest', daily, industry, members, '--index', 'CSI300', '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/daily\.csv\s+daily\s+5\s+4\s+1\s+0/);
    expect(r.out).toContain('daily bars 4 new, 0 updated, 0 unchanged; 1 reject(s)');
    expect(r.out).toContain('daily.csv:6 date: 2024-06-08 is not an SSE/SZSE trading day (Sat)');
    const p = bft(['equity', 'panel', '--db', db, '--index', 'CSI300', '--json']);
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out)).toMatchObject({ from: '2024-06-03', to: '2024-06-04', dates: 2, stocks: 1, classification: { name: 'CSRC' }, staticIndexList: true });
    expect(p.err).toContain('survivorship-biased');
    const again = bft(['equity', 'ingest', daily, '--db', db, '--json', '--max-reject-share', '0.5']);
    expect(JSON.parse(again.out).bars).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    // Two stocks are too few to estimate a factor model: one line says why.
    const f = bft(['equity', 'factors', '--db', db, '--out', join(tmp.dir, 'factors')]);
    expect(f.code).toBe(2);
    expect(f.err.trim().split('\n').at(-1)).toMatch(/the factor model estimated no date: a date needs at least 10 more stocks than factors \(2 stocks/);
  }, 60_000);

  it('bad input stops with one line and the usage exit code', () => {
    const odd = write('odd.csv', ['a,b', '1,2']);
    for (const [args, re] of [
      [['equity', 'ingest', odd, '--db', db], /odd\.csv: the header \(a, b\) fits no A-share layout/],
      [['equity', 'ingest', write('m.csv', ['updateDate,code', '2026-01-05,sh.600000']), '--db', db], /name the index with --index/],
      [['equity', 'ingest', join(tmp.dir, 'missing.csv'), '--db', db], /missing\.csv/],
      [['equity', 'panel', '--db', join(tmp.dir, 'none.duckdb')], /no store at/],
      [['equity', 'panel', '--db', db, '--classification', 'GICS'], /--classification GICS: the store has CSRC/],
      [['equity'], /name an equity command: ingest, synth, panel, factors, analyze/],
      [['equity', 'factors', '--db', db, '--asof', '2019-01-01', '--out', join(tmp.dir, 'x'), '--quiet'], /--asof 2019-01-01 is before the panel's first date 2024-06-03/],
      [['equity', 'factors', '--db', db, '--asof', '2019-13-01', '--quiet'], /--asof 2019-13-01: /],
    ] as const) {
      const r = bft([...args]);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err.trim()).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
