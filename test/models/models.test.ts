import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../src/models/backend.js';
import { buildModel } from '../../src/models/build.js';
import { BftError } from '../../src/errors.js';
import { loadModel, readModelMetadata, saveModel } from '../../src/models/io.js';
import { listPresets, resolvePreset, type ModelSpec } from '../../src/models/presets.js';
import { getModelKind, listModelKinds, registerModelKind } from '../../src/models/registry.js';
import { SeededRng, deriveSeed, permutation } from '../../src/models/seed.js';
import { computeClassWeights, predictProba, trainModel, type TrainOptions } from '../../src/models/train.js';
import { TINY, accuracy, noise, plantedDaily, plantedMinute, shapesOf, withoutLabels, type TinyShapes } from './helpers.js';

// Shapes from the brief: 20 days x 6 daily features, 51 five-minute bars x 9 minute features.
const SHAPES: TinyShapes = { lookback: 20, dailyFeatures: 6, bars: 51, minuteFeatures: 9 };
const SMALL = { units: 8, head: [8] };

function spec(preset: string, over: Partial<ModelSpec> = {}): ModelSpec {
  return resolvePreset(preset, { ...SMALL, ...over });
}

function opts(over: Partial<TrainOptions> = {}): TrainOptions {
  return { epochs: 2, batchSize: 16, learningRate: 0.01, patience: 0, classWeights: 'none', seed: 1, ...over };
}

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

function expectCode(fn: () => unknown, code: BftError['code'], message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BftError);
    expect((e as BftError).code).toBe(code);
    expect((e as BftError).message).toMatch(message);
    expect((e as BftError).message).not.toContain('\n');
    return;
  }
  throw new Error('expected a BftError');
}

async function expectCodeAsync(p: Promise<unknown>, code: BftError['code'], message: RegExp): Promise<void> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BftError);
  expect((e as BftError).code).toBe(code);
  expect((e as BftError).message).toMatch(message);
}

describe('backend', () => {
  it('auto picks a working backend, and repeated calls agree', async () => {
    const lines: string[] = [];
    const a = await initBackend('auto', (l) => lines.push(l));
    const b = await initBackend('auto');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(a.backend);
    expect(b).toEqual(a);
    expect(tf.getBackend()).toBe(a.backend);
    expect(lines[0]).toMatch(/^backend: /);
  });

  it('wasm and cpu load without network; switching back and forth works', async () => {
    expect((await initBackend('wasm')).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect((await initBackend('cpu')).backend).toBe('cpu');
    expect((await initBackend('wasm')).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('tensorflow needs a native binding and says so in one line when there is none', async () => {
    const p = initBackend('tensorflow').then(
      (r) => r,
      (e: unknown) => e,
    );
    const r = await p;
    if (r instanceof BftError) {
      expect(r.code).toBe('backend_unavailable');
      expect(r.message).toMatch(/tfjs-node/);
    } else {
      expect(r).toMatchObject({ backend: 'tensorflow' });
    }
  });

  it('rejects an unknown backend name', async () => {
    await expectCodeAsync(initBackend('gpu' as BackendName), 'bad_config', /unknown backend "gpu"/);
  });
});

describe('presets and registry', () => {
  it('resolves every preset; overrides apply and are validated', () => {
    for (const name of listPresets()) expect(resolvePreset(name).kind).toMatch(/^(dual|daily|minute|logit)$/);
    expect(resolvePreset('dual-gru', { units: 16, classes: 3 })).toMatchObject({ kind: 'dual', cell: 'gru', units: 16, classes: 3 });
    expectCode(() => resolvePreset('dual-transformer'), 'bad_config', /unknown model preset "dual-transformer".*dual-lstm/);
    expectCode(() => resolvePreset('dual-lstm', { units: 0 }), 'bad_config', /units.*got 0/);
    expectCode(() => resolvePreset('dual-lstm', { classes: 4 as 2 }), 'bad_config', /classes/);
    expectCode(() => resolvePreset('dual-lstm', { dropout: 1 }), 'bad_config', /dropout/);
    expectCode(() => resolvePreset('dual-lstm', { cell: 'rnn' as 'gru' }), 'bad_config', /cell/);
  });

  it('refuses unknown kinds, bad shapes and duplicate registration', () => {
    expectCode(() => buildModel({ ...spec('daily-lstm'), kind: 'nope' }, shapesOf(SHAPES), 1), 'bad_config', /unknown model kind "nope"/);
    expectCode(() => buildModel(spec('daily-lstm'), { ...shapesOf(SHAPES), daily: { steps: 0, features: SHAPES.dailyFeatures } }, 1), 'bad_config', /daily\.steps/);
    expectCode(() => buildModel(spec('daily-lstm'), shapesOf(SHAPES), -1), 'bad_config', /seed/);
    expectCode(() => registerModelKind('dual', getModelKind('dual')), 'bad_config', /already registered/);
  });

  it('refuses a kind reading a channel the shapes do not have, naming the channel', () => {
    const { daily } = shapesOf(SHAPES);
    expectCode(() => buildModel(spec('minute-lstm'), { daily: daily! }, 1), 'bad_config', /reads a "minute" channel, which the dataset does not have \(it has: daily\)/);
    let built = false;
    registerModelKind('test-orderbook', {
      inputs: ['daily', 'orderbook'],
      build: () => {
        built = true;
        throw new Error('not reached');
      },
    });
    const build = () => buildModel({ ...spec('daily-lstm'), kind: 'test-orderbook' }, shapesOf(SHAPES), 1);
    expectCode(build, 'bad_config', /reads a "orderbook" channel, which the dataset does not have \(it has: daily, minute\)/);
    expect(() => build()).toThrow(expect.objectContaining({ context: { field: 'orderbook' } }));
    expect(built).toBe(false);
  });

  it('a registered kind builds through buildModel without touching callers', async () => {
    await initBackend('cpu');
    registerModelKind('test-daily-mean', {
      inputs: ['daily'],
      build: (s, shapes) => {
        const daily = shapes['daily']!;
        const input = tf.input({ name: 'daily', shape: [daily.steps, daily.features] });
        const pooled = tf.layers.globalAveragePooling1d({}).apply(input) as tf.SymbolicTensor;
        const out = tf.layers.dense({ units: s.classes === 2 ? 1 : s.classes, activation: s.classes === 2 ? 'sigmoid' : 'softmax' }).apply(pooled) as tf.SymbolicTensor;
        return tf.model({ inputs: input, outputs: out });
      },
    });
    expect(listModelKinds()).toContain('test-daily-mean');
    const model = buildModel({ ...spec('daily-lstm'), kind: 'test-daily-mean' }, shapesOf(SHAPES), 1);
    const x = withoutLabels(noise(4, SHAPES, 1));
    expect(predictProba(model, x)).toHaveLength(4);
    model.dispose();
  });
});

describe('seeded helpers', () => {
  it('permutations are reproducible and complete; derived seeds differ by label', () => {
    const a = permutation(50, new SeededRng(5, 'x'));
    expect(permutation(50, new SeededRng(5, 'x'))).toEqual(a);
    expect(permutation(50, new SeededRng(6, 'x'))).not.toEqual(a);
    expect([...a].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
  });

  it('balanced class weights are n / (classes * count)', () => {
    expect(computeClassWeights(Int32Array.from([0, 0, 0, 1]), 2, 'balanced')).toEqual([4 / 6, 2]);
    const w3 = computeClassWeights(Int32Array.from([0, 2, 2, 2, 2, 0]), 3, 'balanced');
    expect(w3[0]).toBeCloseTo(1, 12);
    expect(w3[1]).toBe(1); // absent class: neutral weight
    expect(w3[2]).toBeCloseTo(0.5, 12);
    expect(computeClassWeights(Int32Array.from([0, 0, 1]), 2, 'none')).toEqual([1, 1]);
  });
});

describe.each(['cpu', 'wasm'] as const)('models on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([2, 3] as const)('every preset has the right inputs and outputs (%i classes)', (classes) => {
    const x = withoutLabels(noise(3, SHAPES, 2));
    for (const name of listPresets()) {
      const s = spec(name, { classes });
      const model = buildModel(s, shapesOf(SHAPES), 1);
      const inputs = getModelKind(s.kind).inputs;
      expect(model.inputNames).toEqual([...inputs]);
      for (const [i, input] of inputs.entries()) {
        const want = input === 'daily' ? [null, 20, 6] : [null, 51, 9];
        expect(model.inputs[i]!.shape).toEqual(want);
      }
      expect(model.outputs[0]!.shape).toEqual([null, classes === 2 ? 1 : 3]);
      const p = predictProba(model, x);
      expect(p).toHaveLength(classes === 2 ? 3 : 9);
      for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
      if (classes === 3) for (let i = 0; i < 3; i++) expect(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]!).toBeCloseTo(1, 5);
      model.dispose();
    }
  });

  it('the same seed gives the same weights, training and predictions; another seed does not', async () => {
    // Dropout on, so this also covers the seeded dropout masks.
    const s = spec('dual-lstm', { dropout: 0.2, recurrentDropout: 0.1 });
    const data = plantedDaily(32, TINY, 4);
    const run = async (seed: number) => {
      const model = buildModel(s, shapesOf(TINY), seed);
      const initial = weightsOf(model);
      await trainModel(model, data, opts({ seed, epochs: 2 }));
      const result = { initial, trained: weightsOf(model), proba: predictProba(model, withoutLabels(data)) };
      model.dispose();
      return result;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(b.initial).toEqual(a.initial);
    expect(b.trained).toEqual(a.trained);
    expect(b.proba).toEqual(a.proba);
    expect(c.initial).not.toEqual(a.initial);
    expect(c.proba).not.toEqual(a.proba);
  });

  it('save -> load gives identical predictions and the standard files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-models-'));
    try {
      for (const name of ['dual-gru', 'logit']) {
        const model = buildModel(spec(name, { classes: 3 }), shapesOf(SHAPES), 3);
        const x = withoutLabels(noise(5, SHAPES, 9));
        const before = predictProba(model, x);
        const sub = join(dir, name);
        await saveModel(model, sub, { metadata: { preset: name } });
        const json = JSON.parse(readFileSync(join(sub, 'model.json'), 'utf8')) as Record<string, unknown>;
        expect(json).toHaveProperty('modelTopology');
        expect(json['format']).toBe('layers-model');
        expect(json['weightsManifest']).toEqual([{ paths: ['weights.bin'], weights: expect.any(Array) }]);
        expect(readModelMetadata(sub)).toEqual({ preset: name });
        const loaded = await loadModel(sub);
        expect(loaded.inputNames).toEqual(model.inputNames);
        expect(predictProba(loaded, x)).toEqual(before);
        model.dispose();
        loaded.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('training', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  // Each case plants the label in one channel and feeds noise to the other: reaching high
  // accuracy on the training set AND on fresh data from the same rule shows the gradient flows
  // through that channel (noise cannot generalise).
  it.each([
    ['daily', plantedDaily, 'lstm'],
    ['minute', plantedMinute, 'gru'],
  ] as const)('a dual model learns a label planted in the %s channel alone', async (_channel, make, cell) => {
    const train = make(64, TINY, 3);
    const fresh = make(64, TINY, 99);
    const model = buildModel(spec(`dual-${cell}`, { dropout: 0 }), shapesOf(TINY), 11);
    await trainModel(model, train, opts({ epochs: 12, learningRate: 0.03 }));
    expect(accuracy(predictProba(model, withoutLabels(train)), train.y, 2)).toBeGreaterThan(0.95);
    expect(accuracy(predictProba(model, withoutLabels(fresh)), fresh.y, 2)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('3-class softmax trains (logit on the last day)', async () => {
    const x = noise(96, TINY, 5);
    for (let i = 0; i < x.n; i++) {
      const at = (i * TINY.lookback + TINY.lookback - 1) * TINY.dailyFeatures;
      x.y[i] = i % 3;
      x.channels.daily.data[at] = (i % 3) - 1 + 0.2 * x.channels.daily.data[at]!;
    }
    const model = buildModel(spec('logit', { classes: 3 }), shapesOf(TINY), 1);
    const r = await trainModel(model, x, opts({ epochs: 40, learningRate: 0.1, batchSize: 32, classWeights: 'balanced' }));
    expect(r.classWeights).toEqual([1, 1, 1]);
    expect(accuracy(predictProba(model, withoutLabels(x)), x.y, 3)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('logit reads only the last day of the window', () => {
    const model = buildModel(spec('logit'), shapesOf(TINY), 1);
    const a = noise(4, TINY, 1);
    const b = noise(4, TINY, 2);
    // b = a on the last day, different before.
    for (let i = 0; i < 4; i++) {
      const from = (i * TINY.lookback + TINY.lookback - 1) * TINY.dailyFeatures;
      b.channels.daily.data.set(a.channels.daily.data.subarray(from, from + TINY.dailyFeatures), from);
    }
    expect(predictProba(model, withoutLabels(b))).toEqual(predictProba(model, withoutLabels(a)));
    model.dispose();
  });

  it('early stopping stops after `patience` worse epochs and restores the best weights', async () => {
    const train = plantedDaily(48, TINY, 1);
    // Validation labels are the planted rule inverted: the better the fit, the worse val loss.
    const validation = plantedDaily(32, TINY, 2);
    validation.y = validation.y.map((c) => 1 - c);
    const model = buildModel(spec('daily-gru', { dropout: 0 }), shapesOf(TINY), 5);
    const snapshots: Float32Array[][] = [];
    const r = await trainModel(model, train, opts({ epochs: 30, learningRate: 0.03, patience: 3, validation, onEpoch: () => snapshots.push(weightsOf(model)) }));
    const losses = r.history.map((e) => e.valLoss!);
    const argmin = losses.indexOf(Math.min(...losses)) + 1;
    expect(r.stoppedEarly).toBe(true);
    expect(r.bestEpoch).toBe(argmin);
    expect(r.history).toHaveLength(r.bestEpoch + 3);
    expect(r.history.every((e) => e.valAcc !== undefined)).toBe(true);
    expect(weightsOf(model)).toEqual(snapshots[r.bestEpoch - 1]);
    model.dispose();
  });

  it('does not leak tensors across epochs or predictions', async () => {
    const x = plantedMinute(32, TINY, 1);
    const model = buildModel(spec('dual-lstm', { dropout: 0.1 }), shapesOf(TINY), 1);
    const counts: number[] = [];
    const validation = plantedMinute(16, TINY, 2);
    await trainModel(model, x, opts({ epochs: 4, validation, patience: 10, onEpoch: () => counts.push(tf.memory().numTensors) }));
    // Epoch 1 creates Adam's slots; from then on the count must stay flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    const before = tf.memory().numTensors;
    predictProba(model, withoutLabels(x));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects NaN / Infinity, bad labels and mismatched shapes with one clear line', async () => {
    const model = buildModel(spec('dual-lstm'), shapesOf(TINY), 1);
    const x = noise(8, TINY, 1);
    x.channels.daily.data[(3 * TINY.lookback + 2) * TINY.dailyFeatures + 1] = Number.NaN;
    await expectCodeAsync(trainModel(model, x, opts()), 'bad_input', /training daily input has NaN at sample 3 \(step 2, feature 1\)/);
    const y = noise(8, TINY, 1);
    y.channels.minute.data[5 * TINY.bars * TINY.minuteFeatures] = Number.POSITIVE_INFINITY;
    expectCode(() => predictProba(model, withoutLabels(y)), 'bad_input', /minute input has Infinity at sample 5/);
    const z = noise(8, TINY, 1);
    z.y[2] = 2;
    await expectCodeAsync(trainModel(model, z, opts()), 'bad_input', /label 2 at sample 2 is outside 0\.\.1/);
    expectCode(() => predictProba(model, withoutLabels(noise(2, SHAPES, 1))), 'bad_input', /expects 6x3/);
    expectCode(() => predictProba(model, { n: 2, channels: { daily: noise(2, TINY, 1).channels.daily } }), 'bad_input', /no "minute" input/);
    await expectCodeAsync(trainModel(model, noise(8, TINY, 1), opts({ epochs: 0 })), 'bad_config', /epochs/);
    model.dispose();
  });

  it('loading a missing or broken artifact fails with incompatible_artifact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-models-'));
    try {
      await expectCodeAsync(loadModel(dir), 'incompatible_artifact', /no model\.json/);
      const model = buildModel(spec('logit'), shapesOf(TINY), 1);
      await saveModel(model, dir);
      rmSync(join(dir, 'weights.bin'));
      await expectCodeAsync(loadModel(dir), 'incompatible_artifact', /weights file weights\.bin is missing/);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => {
  tf.disposeVariables();
});
