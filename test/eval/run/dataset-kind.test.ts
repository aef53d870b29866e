// The engine's seam (src/eval/run/kind.ts): folds planned over dates that hold many samples, and a
// second dataset kind — a toy cross-section of stocks defined in test/helpers/toy-stocks.ts,
// which nothing in src/ knows of — walked forward, scored and reported through the engine.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/data/store.js';
import { dateIndex, planFoldsOverDates } from '../../../src/eval/plan/date-plan.js';
import { resolveExperiment } from '../../../src/eval/run/experiment.js';
import { planFolds, segmentIndices, type FoldPlanConfig } from '../../../src/eval/plan/folds.js';
import { getDatasetKind, listDatasetKinds } from '../../../src/eval/run/kind.js';
import { getRun, readPredictions } from '../../../src/eval/run/runs.js';
import { scoreRun, walkForward } from '../../../src/eval/run/walkforward.js';
import { tempDir } from '../../helpers/fixtures.js';
import { TOY_KIND, type ToyFigures } from '../../helpers/toy-stocks.js';

const WINDOWS: FoldPlanConfig = { scheme: 'expanding', trainDays: 100, validationDays: 20, testDays: 30, stepDays: 30, purgeDays: 2, embargoDays: 1 };
const CPCV: FoldPlanConfig = { scheme: 'cpcv', groups: 5, testGroups: 2, validationDays: 10, purgeDays: 1, embargoDays: 1 };

/** `days` trading-day numbers, each repeated `per` times. */
function repeated(days: number, per: number): Int32Array {
  return Int32Array.from({ length: days * per }, (_, i) => 18000 + Math.floor(i / per));
}

describe('folds over dates', () => {
  it('with one sample per date is planFolds itself, for windows and CPCV', () => {
    const dates = repeated(300, 1);
    for (const cfg of [WINDOWS, CPCV]) expect(planFoldsOverDates(dates, 299, cfg)).toEqual(planFolds(dates, 299, cfg));
  });

  it('with many samples per date counts dates, never splits one, and purges whole dates', () => {
    const per = 7;
    const dates = repeated(300, per);
    const labelled = 299 * per; // the last date's samples have no outcome yet
    for (const cfg of [WINDOWS, CPCV]) {
      const plan = planFoldsOverDates(dates, labelled, cfg);
      const byDate = planFolds(dateIndex(dates).dates, 299, cfg);
      expect(plan.folds).toHaveLength(byDate.folds.length);
      plan.folds.forEach((f, i) => {
        const g = byDate.folds[i]!;
        for (const part of ['train', 'validation', 'test'] as const) {
          // the same dates, each with all its samples
          const samples = segmentIndices(f[part]);
          expect(samples.length).toBe(segmentIndices(g[part]).length * per);
          expect([...new Set(Array.from(samples, (k) => dates[k]!))]).toEqual(Array.from(segmentIndices(g[part]), (d) => 18000 + d));
        }
        // no date on both sides of a boundary, and the gap is purge + embargo dates wide
        const test = new Set(Array.from(segmentIndices(f.test), (k) => dates[k]!));
        for (const k of segmentIndices(f.train)) expect(test.has(dates[k]!)).toBe(false);
        expect(Math.max(...segmentIndices(f.test))).toBeLessThan(labelled);
      });
      if (cfg.scheme === 'expanding') {
        const f = plan.folds[0]!;
        const lastTrain = dates[f.validation[0]!.to - 1]!;
        const firstTest = dates[f.test[0]!.from]!;
        expect(firstTest - lastTrain - 1).toBe(cfg.purgeDays + cfg.embargoDays);
      }
    }
  });

  it('refuses sample dates that go back in time', () => {
    expect(() => planFoldsOverDates(Int32Array.of(18000, 18001, 18000), 3, WINDOWS)).toThrow(/ascend/);
  });
});

describe('a second dataset kind through the engine', () => {
  let store: Store;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    store = await Store.open(':memory:');
    tmp = tempDir('bft-kind-');
  });
  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('is registered by its own module, beside the futures timing kind', () => {
    expect(listDatasetKinds()).toEqual(expect.arrayContaining(['futures-timing', TOY_KIND]));
    expect(() => getDatasetKind('nope')).toThrow(/unknown dataset kind "nope"/);
  });

  it('walks 50 toy stocks forward in worker threads, scores the cross-section and writes its report', async () => {
    const x = resolveExperiment(
      {
        seed: 3,
        backend: 'wasm',
        dataset: { kind: TOY_KIND, stocks: 50, from: '2020-01-02', to: '2021-06-30', lookback: 5, signal: 0.5 },
        models: [{ preset: 'logit' }, { preset: 'daily-gru', units: 4, head: [4], dropout: 0 }],
        train: { epochs: 4, batchSize: 128, learningRate: 0.01, patience: 0 },
        walkForward: { trainDays: 200, validationDays: 30, testDays: 40, purgeDays: 1, maxFolds: 3 },
      },
      'toy-wf',
    );
    const outcome = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 2, runId: 'toy' });
    expect(outcome.kind.name).toBe(TOY_KIND);
    expect(outcome.plan.folds).toHaveLength(3);
    const rows = await readPredictions(store, 'toy');
    // every stock on every test date of every fold, once per model
    expect(rows).toHaveLength(3 * 40 * 50 * 2);
    expect(new Set(rows.map((r) => r.product)).size).toBe(50);
    expect(rows.every((r) => Number.isNaN(r.nextTicks) && r.tradedContract === null)).toBe(true);

    const verdict = await scoreRun(store, x, outcome);
    const figures = verdict.figures as ToyFigures[];
    expect(figures.map((f) => f.model)).toEqual(['logit', 'daily-gru']);
    // The planted loading (0.5 noise units) gives about 65% sign hits to a model that finds it.
    for (const f of figures) {
      expect(f.dates).toBe(120);
      expect(f.accuracy).toBeGreaterThan(0.58);
      expect(f.longShortT).toBeGreaterThan(5);
    }
    expect((await getRun(store, 'toy'))?.status).toBe('finished');
    const md = readFileSync(join(outcome.dir, 'report.md'), 'utf8');
    expect(md).toMatch(/## Out-of-sample cross-section/);
    expect(md).toMatch(/\| logit \| 6000 \|/);
    expect(readFileSync(join(outcome.dir, 'report.html'), 'utf8')).toMatch(/<h2[^>]*>Out-of-sample cross-section<\/h2>/);
    expect(existsSync(join(outcome.dir, 'plan.txt'))).toBe(true);
  });
});
