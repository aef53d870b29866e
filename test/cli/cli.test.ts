// The bft command as a user runs it: a real process, a real store file.

import { existsSync, readFileSync } from 'node:fs';
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

  it('synthesises, ingests, trains and predicts, as text, CSV and --json documents, and refuses bad input in one line', () => {
    const db = join(tmp.dir, 'train.duckdb');
    const models = join(tmp.dir, 'models');
    const kept = join(tmp.dir, 'synth-files');
    const synth = bft(['synth', '--db', db, '--from', '2018-09-01', '--to', '2019-03-31', '--product', 'TF', 'T', '--interval', '5', '--out', kept, '--quiet', '--json']);
    expect(synth.code, synth.err).toBe(0);
    const market = JSON.parse(synth.out);
    expect(market.options).toMatchObject({ from: '2018-09-01', to: '2019-03-31', products: ['TF', 'T'], intervalMin: 5 });
    expect(market.ingests.map((i: { kind: string; inserted: number; rejected: number }) => [i.kind, i.inserted > 0, i.rejected])).toEqual([['daily', true, 0], ['minute', true, 0]]);
    expect(market.continuous.map((c: { product: string }) => c.product)).toEqual(['TF', 'T']);
    expect(market.kept.dir).toBe(kept);
    // the kept intraday file, ingested again as JSON: every row is in the store already; the
    // summary is the document on stdout, the file table stays on stderr
    const minute = bft(['ingest', 'minute', join(kept, 'minute.csv'), '--db', db, '--json']);
    expect(minute.code, minute.err).toBe(0);
    const m = JSON.parse(minute.out);
    expect(m).toMatchObject({ store: db, kind: 'minute', rowsRead: market.ingests[1].rowsRead, unchanged: market.ingests[1].rowsRead, inserted: 0, rejected: 0, continuous: [] });
    expect(m.files).toEqual([expect.objectContaining({ path: join(kept, 'minute.csv'), layout: 'generic', intervalMin: 5, stamp: 'end' })]);
    expect(minute.err).toMatch(/^file\s+layout/);

    const config = writeLines(tmp.dir, 'tiny.json', [
      JSON.stringify({ seed: 1, backend: 'wasm', model: { preset: 'daily-gru', units: 4 }, train: { validationDays: 20, epochs: 2 } }),
    ]);
    const t = bft(['train', '--config', config, '--db', db, '--models', models, '--json']);
    expect(t.code, t.err).toBe(0);
    expect(t.err).toMatch(/backend: wasm/);
    expect(t.err).toMatch(/epoch 1\/2: loss/);
    const trained = JSON.parse(t.out);
    expect(trained).toMatchObject({ name: 'tiny', backend: 'wasm', spec: { kind: 'daily', cell: 'gru', units: 4 }, data: { product: 'T' }, metrics: { epochs: 2 } });
    expect(trained.model).toBe(`tiny/${trained.id}`);
    expect(existsSync(join(trained.dir, 'meta.json'))).toBe(true);
    // the same training with each batch split over two kernel threads: the same model within float rounding
    const t2 = bft(['train', '--config', config, '--db', db, '--models', models, '--threads', '2', '--json']);
    expect(t2.code, t2.err).toBe(0);
    expect(t2.err).toMatch(/fused kernel on 2 threads/);
    const trained2 = JSON.parse(t2.out);
    expect(trained2.metrics.epochs).toBe(2);
    for (const k of ['train', 'validation'] as const) expect(Math.abs(trained2.metrics[k].loss - trained.metrics[k].loss)).toBeLessThan(1e-4);

    const csv = join(tmp.dir, 'p.csv');
    const p = bft(['predict', '--model', 'tiny', '--db', db, '--models', models, '--from', '2019-03-01', '--csv', csv]);
    expect(p.code, p.err).toBe(0);
    const shown = p.out.trim().split('\n');
    expect(shown[0]).toMatch(/^date\s+contract\s+traded\s+p_up\s+outcome\s+next_ticks/);
    // the CSV holds the table's rows: a header, then a record per date, CRLF-ended
    const records = readFileSync(csv, 'utf8').split('\r\n');
    expect(records[0]).toBe('date,contract,traded,p_up,outcome,next_ticks');
    expect(records.at(-1)).toBe('');
    // (the newest date has no outcome yet: empty fields, which the table shows as blanks)
    expect(records.slice(1, -1).map((r) => r.split(',').filter((f) => f !== ''))).toEqual(shown.slice(1).map((l) => l.trim().split(/\s+/)));
    // the same predictions as JSON, at full precision
    const pj = bft(['predict', '--model', trained.model, '--db', db, '--models', models, '--from', '2019-03-01', '--json']);
    expect(pj.code, pj.err).toBe(0);
    const predicted = JSON.parse(pj.out);
    expect(predicted).toMatchObject({ model: trained.model, dir: trained.dir, product: 'T', classes: 2, backend: 'wasm', dates: shown.length - 1, csv: null });
    expect(predicted.rows.map((r: { date: string }) => r.date)).toEqual(shown.slice(1).map((l) => l.split(/\s+/)[0]));
    expect(predicted.rows.map((r: { p_up: number }) => r.p_up.toFixed(4))).toEqual(records.slice(1, -1).map((r) => r.split(',')[3]));
    expect(predicted.rows.at(-1)).toMatchObject({ outcome: null, next_ticks: null });
    // an unknown option stops predict before it loads the model: no table on stdout, one line
    const bogus = bft(['predict', '--model', 'tiny', '--db', db, '--models', models, '--from', '2019-03-01', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.out).toBe('');
    expect(bogus.err).toBe('bft: Unknown argument: bogus (see --help)\n');

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

