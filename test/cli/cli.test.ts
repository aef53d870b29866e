// The bft command as a user runs it: a real process, a real store file.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyCsv, dailyRows, tempDir, writeLines } from '../helpers/fixtures.js';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function bft(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(TSX, [join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

describe('bft cli', () => {
  it('has --help on every command and lists the exit codes', () => {
    const top = bft(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['ingest', 'data', 'continuous', 'synth', 'demo']) expect(top.out).toContain(c);
    expect(top.out).toMatch(/Exit codes: 0 done/);
    for (const c of [['ingest', '--help'], ['data', 'status', '--help'], ['continuous', '--help'], ['synth', '--help'], ['demo', '--help']]) {
      const r = bft(c);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.out).toMatch(/--db/);
    }
  });

  it('ingests a file into the store named by BFT_DB and reports it in data status', () => {
    const db = join(tmp.dir, 'env.duckdb');
    const file = writeLines(tmp.dir, 'bars.csv', dailyCsv(dailyRows()));
    const r = bft(['ingest', 'daily', file, '--quiet'], { BFT_DB: db });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/15 rows read, 15 new, 0 updated, 0 unchanged, 0 rejected/);
    expect(existsSync(db)).toBe(true);
    const s = bft(['data', 'status', '--json', '--db', db]);
    const status = JSON.parse(s.out);
    expect(status.products).toEqual([{ product: 'T', contracts: 3, firstDate: '2025-01-02', lastDate: '2025-01-08', dailyBars: 15, tradingDays: 5 }]);
    expect(status.continuous[0]).toMatchObject({ product: 'T', rule: 'oi', adjust: 'ratio', days: 5 });
  });

  it('says in one line which file is unreadable, exits 2 and prints no stack trace', () => {
    const r = bft(['ingest', 'daily', join(tmp.dir, 'nope.csv'), '--db', join(tmp.dir, 'x.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^bft: .*nope\.csv: no such file or not readable/);
    expect(r.err).not.toMatch(/\s+at /);
  });

  it('rejects a bad option value with a usage message and exit 2', () => {
    const r = bft(['ingest', 'hourly', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Invalid values|Choices/);
  });
});
