// How the minute channel's steps become its summary (ModelSpec.pool): every kind builds from
// standard layers, saves and loads to the same predictions, leaves the daily channel alone, and
// lets a model read an edge planted in the opening bars of the day.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { buildModel } from '../../src/models/build.js';
import { loadModel, saveModel } from '../../src/models/io.js';
import { ModelSpecSchema, resolvePreset, validateSpec, type ModelSpec } from '../../src/models/presets.js';
import { predictProba, trainModel } from '../../src/models/train.js';
import { accuracy, noise, shapesOf, withoutLabels, type TinyShapes } from './helpers.js';

const POOLS = ModelSpecSchema.shape.pool.removeDefault().options;
const SHAPES: TinyShapes = { lookback: 6, dailyFeatures: 3, bars: 24, minuteFeatures: 3 };

function spec(preset: string, over: Partial<ModelSpec> = {}): ModelSpec {
  return resolvePreset(preset, { units: 8, head: [8], ...over });
}

/**
 * Label = sign of the sum of minute feature 0 over the day's first `opening` bars, with every later
 * bar pure noise: the edge sits as far from the last step as it can.
 */
function plantedOpening(n: number, s: TinyShapes, opening: number, seed: number) {
  const x = noise(n, s, seed);
  const m = x.channels.minute;
  for (let i = 0; i < n; i++) {
    const drift = i % 2 === 1 ? 0.8 : -0.8;
    let sum = 0;
    for (let t = 0; t < opening; t++) {
      const at = (i * s.bars + t) * s.minuteFeatures;
      m.data[at] = m.data[at]! + drift;
      sum += m.data[at]!;
    }
    x.y[i] = sum > 0 ? 1 : 0;
  }
  return x;
}

describe('minute channel pooling', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('a spec without pool (a model saved before it existed) reads the last step', () => {
    const { pool: _pool, ...old } = spec('dual-gru');
    void _pool;
    expect(validateSpec(old).pool).toBe('last');
    expect(() => validateSpec({ ...old, pool: 'max' })).toThrow(/pool/);
  });

  it.each(POOLS)('pool %s: dual and minute models build, predict, and load back to the same predictions', async (pool) => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-pool-'));
    try {
      for (const preset of ['dual-gru', 'minute-lstm']) {
        const model = buildModel(spec(preset, { pool }), shapesOf(SHAPES), 5);
        const x = withoutLabels(noise(4, SHAPES, 3));
        const before = predictProba(model, x);
        expect(before).toHaveLength(4);
        const sub = join(dir, preset);
        await saveModel(model, sub);
        const loaded = await loadModel(sub);
        expect(predictProba(loaded, x)).toEqual(before);
        model.dispose();
        loaded.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the daily channel is read at its last step whatever the pool', () => {
    const weights = (pool: ModelSpec['pool']) => {
      const model = buildModel(spec('daily-gru', { pool }), shapesOf(SHAPES), 9);
      const w = model.getWeights().map((t) => Array.from(t.dataSync()));
      model.dispose();
      return w;
    };
    for (const pool of POOLS) expect(weights(pool)).toEqual(weights('last'));
  });

  it('blocks-inputs hands the head every input averaged over the blocks of the session', () => {
    const model = buildModel(spec('minute-gru', { pool: 'blocks-inputs' }), shapesOf(SHAPES), 2);
    const x = noise(3, SHAPES, 8).channels.minute;
    const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer('minute_input_blocks_flat').output as tf.SymbolicTensor });
    const got = (probe.predict(tf.tensor3d(x.data, [3, SHAPES.bars, SHAPES.minuteFeatures])) as tf.Tensor).arraySync() as number[][];
    const size = Math.ceil(SHAPES.bars / 8); // 24 bars: 8 blocks of 3
    for (let i = 0; i < 3; i++) {
      const want: number[] = [];
      for (let b = 0; b < 8; b++) {
        for (let f = 0; f < SHAPES.minuteFeatures; f++) {
          let sum = 0;
          for (let t = b * size; t < (b + 1) * size; t++) sum += x.data[(i * SHAPES.bars + t) * SHAPES.minuteFeatures + f]!;
          want.push(sum / size);
        }
      }
      expect(got[i]!.length).toBe(want.length);
      got[i]!.forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 5));
    }
    model.dispose();
  });

  // The last step alone reaches about 0.73 here (seed 4): 21 steps of noise wash the opening out.
  it('blocks and attention read an edge planted in the opening bars (fresh data)', async () => {
    const train = plantedOpening(256, SHAPES, 3, 1);
    const fresh = plantedOpening(256, SHAPES, 3, 2);
    for (const pool of ['blocks', 'attention'] as const) {
      const model = buildModel(spec('minute-gru', { pool, dropout: 0 }), shapesOf(SHAPES), 4);
      await trainModel(model, train, { epochs: 30, batchSize: 32, learningRate: 0.02, patience: 0, classWeights: 'none', seed: 1 });
      expect(accuracy(predictProba(model, withoutLabels(fresh)), fresh.y, 2), pool).toBeGreaterThan(0.85);
      model.dispose();
    }
  });
});

afterAll(() => {
  tf.disposeVariables();
});
