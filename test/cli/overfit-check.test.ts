// bft overfit-check as CI runs it: a real process on a real store file, its exit code and output.
// The market is small and the models tiny; the full-size acceptance runs are in docs/overfit-gate.md.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bft } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/fixtures.js';


let tmp: ReturnType<typeof tempDir>;
let db: string;
const small = (extra: object) => ({
  seed: 5,
  backend: 'wasm',
  models: [{ preset: 'logit' }, { preset: 'daily-gru', units: 4, head: [4], dropout: 0 }],
  // A high learning rate so that 75 training samples are enough to learn a leak when there is one.
  train: { epochs: 30, batchSize: 32, patience: 5, learningRate: 0.02 },
  walkForward: { trainDays: 75, validationDays: 10, testDays: 12, maxFolds: 3 },
  overfit: { nullPermutations: 2, lookaheadDates: 2 },
  ...extra,
});

beforeAll(() => {
  tmp = tempDir('bft-overfit-');
  db = join(tmp.dir, 'of.duckdb');
  const synth = bft(['synth', '--db', db, '--from', '2018-09-01', '--to', '2019-06-30', '--product', 'TF', 'T', '--interval', '5', '--quiet']);
  expect(synth.code, synth.err).toBe(0);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('bft overfit-check', () => {
  it('fails a config with a feature that reads t+1 as a leak: exit 1, reasons on stdout, one line on stderr', () => {
    const config = writeLines(tmp.dir, 'leaky.json', [JSON.stringify(small({ dataset: { dailyFeatures: ['ret_1', 'rsi_14', 'leak_next_ret'] } }))]);
    const experiments = join(tmp.dir, 'experiments');
    const r = bft(['overfit-check', '--config', config, '--db', db, '--experiments', experiments, '--workers', '2']);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^verdict: FAIL \(.*leak.*\)$/m);
    // the no-look-ahead probe names the feature; the accuracy is too good to be true
    expect(r.out).toMatch(/leak: inputs of \d of 2 dates change when the data is cut at the date .*leak_next_ret|sample .* cannot be built from data up to/);
    expect(r.out).toMatch(/leak: OOS accuracy 0\.\d+ is above 0\.7/);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^bft: overfit-check failed: .*leak/);
    // the run's report gains the section, and overfit.json is written
    const runId = /run (\d{8}-\d{6}): \d+ jobs run/.exec(r.out)?.[1];
    expect(runId).toBeDefined();
    const dir = join(experiments, 'leaky', 'runs', runId!);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/## Overfitting and leakage checks[\s\S]*\*\*verdict: FAIL/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h2 id="overfit">');
    const saved = JSON.parse(readFileSync(join(dir, 'overfit.json'), 'utf8'));
    expect(saved.pass).toBe(false);
    expect(saved.reasons.map((x: { kind: string }) => x.kind)).toContain('leak');
  }, 240_000);

  it('--json prints the whole report; --run re-checks a finished run without retraining it', () => {
    const config = writeLines(tmp.dir, 'honest.json', [JSON.stringify(small({}))]);
    const experiments = join(tmp.dir, 'experiments');
    const r = bft(['overfit-check', '--config', config, '--db', db, '--experiments', experiments, '--json', '--quiet']);
    expect([0, 1]).toContain(r.code);
    const j = JSON.parse(r.out);
    expect(j.report.headline).toBe('logit');
    expect(j.report.pass).toBe(r.code === 0);
    expect(j.report.nullTest.permutations).toBe(2);
    // features one day ahead contain the label's own return: the probe sees it
    expect(j.report.shift.accuracy).toBeGreaterThan(0.75);
    expect(j.report.lookahead).toHaveLength(2);
    expect(j.report.lookahead.every((l: { problem: string | null }) => l.problem === null)).toBe(true);
    expect(j.report.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['train - OOS accuracy gap', 'deflated Sharpe', 'permuted-label null p', 'no-look-ahead dates changed']));
    expect(existsSync(join(j.dir, 'overfit.json'))).toBe(true);
    const again = bft(['overfit-check', '--run', j.run, '--db', db, '--experiments', experiments, '--json', '--quiet']);
    expect(again.code).toBe(r.code);
    const k = JSON.parse(again.out);
    expect(k.run).toBe(j.run);
    expect(k.report.accuracy).toBe(j.report.accuracy);
    expect(k.report.gap).toEqual(j.report.gap);
  }, 240_000);

  it('bad input exits 2 with one line: no config, unknown run, odd CSCV blocks', () => {
    const none = bft(['overfit-check', '--db', db]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give --config FILE or --run RUN/);
    const nope = bft(['overfit-check', '--run', 'nope', '--db', db]);
    expect(nope.code).toBe(2);
    expect(nope.err.trim()).toMatch(/^bft: no run "nope"/);
    const odd = writeLines(tmp.dir, 'odd.json', [JSON.stringify(small({ overfit: { pboBlocks: 7 } }))]);
    const r = bft(['overfit-check', '--config', odd, '--db', db]);
    expect(r.code, r.err).toBe(2);
    expect(r.err.trim()).toMatch(/overfit\.pboBlocks: pboBlocks must be even, got 7/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
