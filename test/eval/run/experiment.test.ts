import { describe, expect, it } from 'vitest';
import { BftError } from '../../../src/errors.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { experimentJsonSchema, foldPlanConfig, isFolderName, NAME_MAX, pathInside, readConfigJson, readExperiment, resolveExperiment, type ResolvedExperiment } from '../../../src/eval/run/experiment.js';

const EXPERIMENTS = resolve(__dirname, '../../../experiments');
const SCHEMA_FILE = 'experiment.schema.json';
const configFiles = (): string[] => readdirSync(EXPERIMENTS).filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE).sort();

/** The error resolveExperiment throws for `raw` (fails the test when it resolves). */
function problem(raw: unknown): BftError {
  try {
    resolveExperiment(raw, 'x');
  } catch (e) {
    expect(e).toBeInstanceOf(BftError);
    return e as BftError;
  }
  return expect.unreachable('the config resolved');
}

/** A config as a resumed run compares it (walkforward.ts trainingConfig): keys sorted, without the overfit block. */
function training(x: ResolvedExperiment): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  const { overfit: _ignored, ...rest } = x;
  return JSON.stringify(sorted(rest));
}

// The fold plan configs these experiments produced before the walkForward block parsed into the
// plan's own shape: runs store them in plan.json and compare them as JSON on resume.
const WINDOW_PLAN = '{"scheme":"expanding","trainDays":750,"validationDays":120,"testDays":63,"purgeDays":1,"embargoDays":0,"seeds":1,"stepDays":63}';
const RECORDED_PLANS: Readonly<Record<string, string>> = {
  'ci-overfit.json': WINDOW_PLAN,
  'real-t-dual-lstm.json': WINDOW_PLAN,
  'real-t-walk-forward.json': '{"scheme":"expanding","trainDays":300,"validationDays":60,"testDays":42,"purgeDays":1,"embargoDays":0,"firstTest":"2024-03-22","seeds":1,"stepDays":42}',
  'real-tf-daily.json': WINDOW_PLAN,
  'real-tl-daily.json': WINDOW_PLAN,
  'real-ts-daily.json': WINDOW_PLAN,
  'synth-cpcv.json': '{"scheme":"cpcv","groups":6,"testGroups":2,"validationDays":120,"purgeDays":1,"embargoDays":20}',
  'synth-dual-lstm.json': WINDOW_PLAN,
  'synth-leaky.json': '{"scheme":"expanding","trainDays":750,"validationDays":120,"testDays":63,"purgeDays":1,"embargoDays":0,"maxFolds":6,"seeds":1,"stepDays":63}',
  'synth-overfit-search.json': '{"scheme":"expanding","trainDays":750,"validationDays":120,"testDays":63,"purgeDays":1,"embargoDays":0,"maxFolds":12,"seeds":2,"stepDays":63}',
  'synth-overfit.json': WINDOW_PLAN,
  'synth-ts-daily.json': WINDOW_PLAN,
  'synth-walk-forward.json': WINDOW_PLAN,
};

// experiments/synth-cpcv.json as a run recorded it in config.json before this shape: the window
// defaults (trainDays, testDays) under cpcv, no kind in the dataset block.
const OLD_CPCV_RUN_CONFIG = {
  seed: 42,
  backend: 'auto',
  dataset: { product: 'T', lookback: 20, execution: 'close-close', labels: 'binary', neutralTicks: 0, minBarShare: 0.8, missingMinute: 'drop', dailyFeatures: ['ret_1', 'range', 'vol_chg_z'], minuteFeatures: ['ret', 'range', 'vol_share', 'signed_vol', 'mask'], clip: 5 },
  model: { preset: 'dual-lstm' },
  train: { validationDays: 120, purgeDays: 1, epochs: 30, batchSize: 64, learningRate: 0.001, patience: 8, classWeights: 'balanced' },
  models: [{ preset: 'dual-gru' }, { preset: 'daily-gru' }, { preset: 'logit' }],
  walkForward: { scheme: 'cpcv', trainDays: 750, validationDays: 120, testDays: 63, purgeDays: 1, embargoDays: 20, groups: 6, testGroups: 2, seeds: 1 },
  strategy: { rule: { kind: 'threshold', long: 0.5, short: 0.5 }, commissionTicks: 0.06, slippageTicks: 0.5, factorWeight: 0.3, periodsPerYear: 243 },
  overfit: { nullPermutations: 8, nullBlock: 20, probes: true, lookaheadDates: 5, pboBlocks: 16, priorTrials: 0, thresholds: { pbo: 0.5, pboMinConfigs: 4, dsr: 0.95, nullP: 0.05, gap: 0.1, shiftJump: 0.05, shuffleP: 0.01, maxAccuracy: 0.7 } },
  name: 'synth-cpcv',
};

describe('experiment configs', () => {
  it('a resolved config, as a run records it, resolves to itself under every scheme', () => {
    for (const walkForward of [{}, { scheme: 'rolling', trainDays: 500 }, { scheme: 'cpcv', groups: 8, testGroups: 3, embargoDays: 20 }]) {
      const x = resolveExperiment({ walkForward }, 'x');
      expect(resolveExperiment(JSON.parse(JSON.stringify(x)), 'x')).toEqual(x);
    }
  });

  it('parses walkForward into the fold plan config: CPCV defaults filled, stepDays defaulted to testDays', () => {
    const x = resolveExperiment({ walkForward: { scheme: 'cpcv', validationDays: 60 } }, 'x');
    expect(x.walkForward).toEqual({ scheme: 'cpcv', groups: 6, testGroups: 2, validationDays: 60, purgeDays: 1, embargoDays: 0, seeds: 1 });
    expect(foldPlanConfig(x.walkForward)).toEqual({ scheme: 'cpcv', groups: 6, testGroups: 2, validationDays: 60, purgeDays: 1, embargoDays: 0 });
    const w = resolveExperiment({ walkForward: { scheme: 'rolling', testDays: 21, from: '2019-01-02' } }, 'x').walkForward;
    expect(w).toEqual({ scheme: 'rolling', trainDays: 750, validationDays: 120, testDays: 21, stepDays: 21, purgeDays: 1, embargoDays: 0, seeds: 1, from: '2019-01-02' });
    expect(resolveExperiment({}, 'x').walkForward.scheme).toBe('expanding');
  });

  it('refuses a setting of the other scheme by its path; a window setting at its default passes under cpcv', () => {
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', trainDays: 750 } }, 'x')).not.toThrow();
    expect(problem({ walkForward: { scheme: 'cpcv', testDays: 21 } }).message).toBe(
      'config: walkForward.testDays: not used by scheme "cpcv" (it tests every labelled sample; choose the range with walkForward.from / to)',
    );
    expect(problem({ walkForward: { scheme: 'cpcv', maxFolds: 3 } }).message).toMatch(/^config: walkForward\.maxFolds: not used by scheme "cpcv"/);
    expect(problem({ walkForward: { scheme: 'rolling', testGroups: 2 } }).message).toBe('config: walkForward.testGroups: only used by scheme "cpcv" (the scheme is "rolling")');
    const e = problem({ walkForward: { groups: 8 } });
    expect(e.message).toBe('config: walkForward.groups: only used by scheme "cpcv" (the scheme is "expanding")');
    expect(e).toMatchObject({ code: 'bad_config', context: { file: 'config', field: 'walkForward.groups' } });
    expect(problem({ walkForward: { scheme: 'weekly' } }).message).toBe('config: walkForward.scheme: must be "expanding", "rolling" or "cpcv" (got "weekly")');
    expect(problem({ walkForward: { trainDayz: 500 } }).message).toMatch(/^config: walkForward\.trainDayz: not a setting here \(settings: scheme, trainDays, .*, to\)$/);
  });

  it('reports every problem of a config in one error, each with its path, in the order of the schema', () => {
    const e = problem({ walkForward: { purgeDays: 0, stepDays: 21, testDays: 42 }, model: { preset: 'dual-gru', units: 0 }, overfit: { pboBlocks: 3 } });
    expect(e.message.split('; ')).toEqual([
      expect.stringMatching(/^config: model\.units: .*>=1 \(got 0\)$/),
      'walkForward.purgeDays: purgeDays 0 is shorter than the label horizon (1 day): the last training label would be a move inside the next window, a leak',
      'walkForward.stepDays: stepDays 21 < testDays 42: test windows would overlap and dates be tested twice',
      'overfit.pboBlocks: pboBlocks must be even, got 3',
    ]);
    expect(e.context).toEqual({ file: 'config', field: 'model.units' });
    // Problems of unrelated blocks do not hide each other; an unknown key is one problem per key.
    expect(problem({ trian: {}, strategy: { rule: { kind: 'threshold', long: 0.4, short: 0.6 } }, walkForward: { from: '2021-01-04', to: '2020-01-02' } }).message.split('; ')).toEqual([
      'config: walkForward.from: from 2021-01-04 is after to 2020-01-02',
      'strategy.rule.short: short 0.6 is above long 0.4',
      'trian: not a setting here (settings: $schema, name, seed, backend, dataset, model, train, models, walkForward, strategy, overfit)',
    ]);
  });

  it('refuses a name that is not one folder name: "..", ".", a hidden name, a path, an overlong one', () => {
    for (const name of ['..', '.', '.hidden', 'a/b', '../x', 'a\\b', '', 'x'.repeat(NAME_MAX + 1)]) {
      expect(() => resolveExperiment({ name }, 'x'), name).toThrow(BftError);
    }
    expect(() => resolveExperiment({ name: '..' }, 'x')).toThrow(/^config: name: "\.\." is not one folder name of letters, digits, dot, dash or underscore, not starting with a dot, at most 64 characters$/);
    for (const name of ['synth-walk-forward', 'v1.2_final', 'x'.repeat(NAME_MAX)]) expect(resolveExperiment({ name }, 'x').name).toBe(name);
  });

  it('refuses a file name standing in for a missing name when it is not one folder name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-exp-'));
    try {
      writeFileSync(join(dir, '...json'), '{}');
      expect(() => readExperiment(join(dir, '...json'))).toThrow(/name: "\.\." \(from the file name; the config has no "name"\) is not one folder name/);
      writeFileSync(join(dir, 'ok.json'), '{}');
      expect(readExperiment(join(dir, 'ok.json')).name).toBe('ok');
      expect(() => resolveExperiment({}, '..')).toThrow(BftError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown preset or a bad override when the config is read, naming the known presets', () => {
    expect(() => resolveExperiment({ models: [{ preset: 'logit' }, { preset: 'nope-lstm' }] }, 'x')).toThrow(
      /^config: models\.1\.preset: unknown model preset "nope-lstm" \(known: dual-lstm, dual-gru, daily-lstm, daily-gru, minute-lstm, minute-gru, logit\)$/,
    );
    expect(() => resolveExperiment({ model: { preset: 'dual-gru', units: 0 } }, 'x')).toThrow(/^config: model\.units: .*>=1 \(got 0\)$/);
    expect(() => resolveExperiment({ models: [{ preset: 'logit', layerz: 2 }] }, 'x')).toThrow(/^config: models\.0\.layerz: not a model setting \(settings: preset, label, kind, cell, units/);
    // Zod's wording, with the value at fault.
    const [cell, dropout, ...more] = problem({ models: [{ preset: 'logit' }, { preset: 'daily-gru', cell: 'rnn', dropout: 1 }] }).message.split('; ');
    expect(cell).toMatch(/^config: models\.1\.cell: .*"lstm"\|"gru" \(got "rnn"\)$/);
    expect(dropout).toMatch(/^models\.1\.dropout: .*<1 \(got 1\)$/);
    expect(more).toEqual([]);
    expect(problem({ models: [{ preset: 'logit' }, { preset: 'logit' }] }).message).toBe('config: models: model "logit" appears twice (give one a "label")');
    // A label is the entry's own, not an override; three-class labels resolve with three classes.
    expect(() => resolveExperiment({ models: [{ preset: 'dual-gru', label: 'g', units: 8 }], dataset: { labels: 'three' } }, 'x')).not.toThrow();
    // An override absent is the preset's value: the spec's own defaults (pool) are not filled in.
    expect(resolveExperiment({ models: [{ preset: 'dual-gru', units: 8 }] }, 'x').models).toEqual([{ preset: 'dual-gru', units: 8 }]);
    expect(resolveExperiment({}, 'x').model).toEqual({ preset: 'dual-lstm' });
  });

  it('resolves a run config.json recorded before walkForward took the plan shape, to what the experiment resolves to now', () => {
    const old = resolveExperiment(JSON.parse(JSON.stringify(OLD_CPCV_RUN_CONFIG)), 'x', 'run r1');
    const now = readExperiment(join(EXPERIMENTS, 'synth-cpcv.json'));
    // --resume and overfit-check --run compare the recorded config, resolved again, with the one read now.
    expect(training(old)).toBe(training(now));
    expect(JSON.stringify(foldPlanConfig(old.walkForward))).toBe(RECORDED_PLANS['synth-cpcv.json']);
    // A window block recorded without stepDays (it was optional) gets it, and its plan is unchanged.
    const window = resolveExperiment({ walkForward: { scheme: 'expanding', trainDays: 750, validationDays: 120, testDays: 63, purgeDays: 1, embargoDays: 0, seeds: 1 } }, 'x');
    expect(window.walkForward).toMatchObject({ stepDays: 63 });
    expect(JSON.stringify(foldPlanConfig(window.walkForward))).toBe(WINDOW_PLAN);
  });

  it('plans each experiment with the fold plan config its runs recorded, read from the file or from a run', () => {
    for (const [file, plan] of Object.entries(RECORDED_PLANS)) {
      const x = readExperiment(join(EXPERIMENTS, file));
      expect(JSON.stringify(foldPlanConfig(x.walkForward)), file).toBe(plan);
      expect(JSON.stringify(foldPlanConfig(resolveExperiment(JSON.parse(JSON.stringify(x)), 'x').walkForward)), file).toBe(plan);
    }
    // An explicit stepDays keeps its place, as it did when the block was recorded whole.
    const rolling = resolveExperiment({ walkForward: { scheme: 'rolling', trainDays: 500, stepDays: 80, testDays: 40 } }, 'x');
    expect(JSON.stringify(foldPlanConfig(rolling.walkForward))).toBe('{"scheme":"rolling","trainDays":500,"validationDays":120,"testDays":40,"stepDays":80,"purgeDays":1,"embargoDays":0,"seeds":1}');
  });

  it('every experiment config resolves and names the JSON Schema, which is what npm run schema writes today', () => {
    expect(readFileSync(join(EXPERIMENTS, SCHEMA_FILE), 'utf8'), 'experiments/experiment.schema.json is stale: run npm run schema').toBe(experimentJsonSchema());
    for (const file of configFiles()) {
      expect((readConfigJson(join(EXPERIMENTS, file)) as Record<string, unknown>)['$schema'], file).toBe(`./${SCHEMA_FILE}`);
      // The key is the editor's, not the experiment's: a run's config.json does not carry it.
      expect(readExperiment(join(EXPERIMENTS, file)), file).not.toHaveProperty('$schema');
    }
  });

  it('a path inside a root stays inside it; "..", "." and absolute segments do not', () => {
    const root = join(tmpdir(), 'root');
    expect(pathInside(root, 'a', 'runs', 'b')).toBe(resolve(root, 'a', 'runs', 'b'));
    expect(pathInside(root, '..', 'runs', 'b')).toBeNull();
    expect(pathInside(root, 'a', '..', '..', 'b')).toBeNull();
    expect(pathInside(root, '.')).toBeNull();
    expect(pathInside(root, '/etc')).toBeNull();
    expect(pathInside(root, 'a', '..', 'b')).toBe(resolve(root, 'b'));
    expect(isFolderName('..')).toBe(false);
  });
});
