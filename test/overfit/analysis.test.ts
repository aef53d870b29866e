// The verdict on constructed runs: which reasons each failure gives, and a clean pass.

import { describe, expect, it } from 'vitest';
import { analyseOverfitting, type OverfitInput } from '../../src/overfit/analysis.js';
import { overfitConfigSchema } from '../../src/eval/run/overfit-config.js';
import { evaluationFixture } from '../helpers/evaluation.js';

const { preds } = evaluationFixture();

function input(over: Partial<OverfitInput>): OverfitInput {
  return {
    product: 'T',
    models: ['coin', 'long'],
    predictions: preds,
    jobs: [
      { model: 'coin', fold: 0, trainAccuracy: 0.8, trainLoss: 0.4, testAccuracy: 0.5, testLoss: 0.7 },
      { model: 'coin', fold: 1, trainAccuracy: 0.7, trainLoss: 0.5, testAccuracy: 0.48, testLoss: 0.71 },
    ],
    rule: { kind: 'threshold', long: 0.5, short: 0.5 },
    costs: { commissionTicks: 0.06, slippageTicks: 0.5 },
    periodsPerYear: 243,
    config: overfitConfigSchema.parse({}),
    nulls: [0.5, 0.52, 0.47, 0.51, 0.49].map((a) => ({ correct: Math.round(a * 199), n: 199 })),
    shift: { correct: 190, n: 199 },
    shuffle: { correct: 100, n: 199 },
    lookahead: [{ date: '2020-06-01', problem: null }],
    seed: 1,
    ...over,
  };
}

describe('analyseOverfitting', () => {
  it('compares the probes with the headline model scored as they are: seed 0 over every fold\'s predictions', () => {
    // Two folds test every date (as CPCV does): one right and sure, one wrong and unsure. Averaged,
    // every call is right; fold by fold, as a probe's retrains are scored, half are.
    const twoFolds = preds
      .filter((r) => r.model === 'perfect' && r.seed === 0)
      .flatMap((r) => [
        { ...r, model: 'folds', fold: 0, probability: r.label ? 0.9 : 0.1 },
        { ...r, model: 'folds', fold: 1, probability: r.label ? 0.4 : 0.6 },
      ]);
    const r = analyseOverfitting(input({ models: ['folds'], predictions: twoFolds }));
    expect(r.accuracy).toBe(1);
    expect(r.nullTest!.realAccuracy).toBe(0.5);
    expect(r.nullTest!.p).toBeGreaterThan(0.05);
    expect(r.shift!.jump).toBeCloseTo(190 / 199 - 0.5, 12);
  });

  it('a coin-flip model fails as overfit: big train/OOS gap, no beating the null, deflated Sharpe low', () => {
    const r = analyseOverfitting(input({}));
    expect(r.pass).toBe(false);
    expect(r.headline).toBe('coin');
    expect(r.testDays).toBe(199);
    const kinds = r.reasons.map((x) => x.kind);
    expect(kinds.every((k) => k === 'overfit')).toBe(true);
    expect(r.reasons.some((x) => /train accuracy exceeds OOS accuracy by 0\.26/.test(x.text))).toBe(true);
    expect(r.reasons.some((x) => /block-permuted labels/.test(x.text))).toBe(true);
    expect(r.gap.folds.map((f) => f.fold)).toEqual([0, 1]);
    expect(r.nullTest!.pEmpirical).toBeGreaterThanOrEqual(1 / 6);
    // two configurations (coin#0, long#0): PBO is computed, the DSR sees 2 trials
    expect('pbo' in r.pbo).toBe(true);
    expect(r.sharpe.trials).toBe(2);
  });

  it('under CPCV reports the DSR on every path, the trials taken on the same path, without judging it', () => {
    // Path 0 takes the run's own folds; path 1, for every group, a fold that says the opposite.
    const flipped = preds.map((r) => ({ ...r, fold: r.fold + 4, probability: 1 - r.probability }));
    const groupStart = Int32Array.from([0, 1, 2, 3], (f) => preds.find((r) => r.fold === f)!.date);
    const models = ['perfect', 'coin'];
    const plain = analyseOverfitting(input({ models }));
    const cpcv = analyseOverfitting(input({ models, predictions: [...preds, ...flipped], paths: { paths: [[0, 1, 2, 3], [4, 5, 6, 7]], groupStart } }));
    const pd = cpcv.sharpe.pathDsr!;
    expect(pd.values).toHaveLength(2);
    expect(pd.values[0]).toBeCloseTo(plain.sharpe.dsr, 12);
    expect(pd.values[0]).toBeGreaterThan(0.95);
    expect(pd.values[1]).toBeLessThan(0.05);
    expect([pd.median, pd.below, pd.limit]).toEqual([pd.values[1], 1, 0.95]);
    expect(cpcv.checks.filter((c) => /path/i.test(c.name))).toEqual([]);
    expect(plain.sharpe.pathDsr).toBeUndefined();
  });

  it('leaks: a changed look-ahead date, shuffled labels still scoring, accuracy too good', () => {
    const look = analyseOverfitting(input({ lookahead: [{ date: '2020-06-01', problem: null }, { date: '2020-07-01', problem: 'daily feature x moved' }] }));
    expect(look.reasons.some((x) => x.kind === 'leak' && /1 of 2 dates change/.test(x.text))).toBe(true);
    const shuffled = analyseOverfitting(input({ shuffle: { correct: 150, n: 199 } }));
    expect(shuffled.reasons.some((x) => x.kind === 'leak' && /shuffled labels/.test(x.text))).toBe(true);
    const perfect = analyseOverfitting(input({ models: ['perfect', 'coin'] }));
    expect(perfect.accuracy).toBe(1);
    expect(perfect.reasons.some((x) => x.kind === 'leak' && /too good/.test(x.text))).toBe(true);
    // the shift probe cannot jump above an accuracy of 1, and is not asked to
    expect(perfect.reasons.some((x) => x.kind === 'probe')).toBe(false);
  });

  it('a blind future-shift probe is a failure of the check itself', () => {
    const r = analyseOverfitting(input({ shift: { correct: 101, n: 199 } }));
    expect(r.reasons.some((x) => x.kind === 'probe' && /cannot see a leak/.test(x.text))).toBe(true);
  });

  it('passes when every check is within its threshold', () => {
    const lenient = overfitConfigSchema.parse({ thresholds: { pbo: 1, dsr: 0, nullP: 1, gap: 1 } });
    const r = analyseOverfitting(input({ config: lenient }));
    expect(r.reasons).toEqual([]);
    expect(r.pass).toBe(true);
    expect(r.checks.every((c) => c.ok)).toBe(true);
  });

  it('counts configurations tried before the run as trials: the luck threshold rises, the deflated Sharpe cannot', () => {
    // one configuration in the run (coin#0): earlier trials alone set the threshold
    const runs = [0, 5, 50].map((priorTrials) => analyseOverfitting(input({ models: ['coin'], config: overfitConfigSchema.parse({ priorTrials }) })));
    expect(runs.map((r) => r.sharpe.trials)).toEqual([1, 6, 51]);
    expect(runs[0]!.sharpe.threshold).toBe(0);
    expect(runs[1]!.sharpe.threshold).toBeGreaterThan(0);
    expect(runs[2]!.sharpe.threshold).toBeGreaterThan(runs[1]!.sharpe.threshold);
    expect(runs[1]!.sharpe.dsr).toBeLessThan(runs[0]!.sharpe.dsr);
    expect(runs[2]!.sharpe.dsr).toBeLessThan(runs[1]!.sharpe.dsr);
    // with two configurations in the run (coin#0, long#0), earlier trials add to them
    expect(analyseOverfitting(input({ config: overfitConfigSchema.parse({ priorTrials: 3 }) })).sharpe.trials).toBe(5);
  });
});
