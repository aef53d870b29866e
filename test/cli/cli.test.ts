// The bft command as a user runs it: a real process, a real store file.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bft } from '../helpers/cli.js';
import { dailyCsv, dailyRows, tempDir, writeLines } from '../helpers/fixtures.js';


let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

describe('bft cli', () => {
  it('has --help on every command and lists the exit codes', () => {
    const top = bft(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['ingest', 'data', 'continuous', 'synth', 'demo', 'train', 'predict', 'walk-forward', 'runs']) expect(top.out).toContain(c);
    expect(top.out).toMatch(/Exit codes: 0 done/);
    for (const c of [['ingest', '--help'], ['data', 'status', '--help'], ['continuous', '--help'], ['synth', '--help'], ['demo', '--help'], ['train', '--help'], ['predict', '--help'], ['walk-forward', '--help'], ['runs', 'list', '--help'], ['runs', 'show', '--help'], ['runs', 'compare', '--help']]) {
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

  it('trains from a config, saves the model, predicts with it, and refuses bad input in one line', () => {
    const db = join(tmp.dir, 'train.duckdb');
    const models = join(tmp.dir, 'models');
    const synth = bft(['synth', '--db', db, '--from', '2018-09-01', '--to', '2019-03-31', '--product', 'TF', 'T', '--interval', '5', '--quiet']);
    expect(synth.code, synth.err).toBe(0);
    const config = writeLines(tmp.dir, 'tiny.json', [
      JSON.stringify({ seed: 1, backend: 'wasm', model: { preset: 'daily-gru', units: 4 }, train: { validationDays: 20, epochs: 2 } }),
    ]);
    const t = bft(['train', '--config', config, '--db', db, '--models', models]);
    expect(t.code, t.err).toBe(0);
    expect(t.err).toMatch(/backend: wasm/);
    expect(t.err).toMatch(/epoch 1\/2: loss/);
    expect(t.out).toMatch(/model tiny\/\S+ saved to/);
    const p = bft(['predict', '--model', 'tiny', '--db', db, '--models', models, '--from', '2019-03-01', '--csv', join(tmp.dir, 'p.csv')]);
    expect(p.code, p.err).toBe(0);
    expect(p.out.split('\n')[0]).toMatch(/^date\s+contract\s+traded\s+p_up\s+outcome\s+next_ticks/);
    expect(existsSync(join(tmp.dir, 'p.csv'))).toBe(true);

    const bad = (args: string[], msg: RegExp): void => {
      const r = bft(args);
      expect(r.code, r.err).toBe(2);
      // status lines may come first; the error is the last line, and no stack trace follows
      const lines = r.err.trim().split('\n');
      expect(lines[lines.length - 1]).toMatch(msg);
      expect(lines[lines.length - 1]).toMatch(/^bft: /);
      expect(r.err).not.toMatch(/^\s+at /m);
    };
    bad(['train', '--config', join(tmp.dir, 'nope.json'), '--db', db], /nope\.json: no such file/);
    const unknown = writeLines(tmp.dir, 'unknown.json', [JSON.stringify({ model: { preset: 'dual-transformer' }, train: { epochs: 1 } })]);
    bad(['train', '--config', unknown, '--db', db, '--models', models, '--backend', 'cpu'], /unknown model preset "dual-transformer"/);
    const feature = writeLines(tmp.dir, 'feature.json', [JSON.stringify({ dataset: { dailyFeatures: ['moon'] } })]);
    bad(['train', '--config', feature, '--db', db, '--models', models, '--backend', 'cpu'], /unknown daily feature "moon"/);
    bad(['predict', '--model', 'nothing', '--db', db, '--models', models], /no model "nothing"/);
  }, 120_000);
});

