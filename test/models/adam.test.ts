// The one-call Adam (src/models/adam.ts) against tfjs's AdamOptimizer: the same weights to the bit
// on the wasm backend, step after step, and tfjs's own code on a backend without the heap kernel.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { adamOptimizer } from '../../src/models/adam.js';
import { initBackend } from '../../src/models/backend.js';
import { tfjsHeapRnn } from '../../src/models/rnn/tfjs-heap.js';
import { SeededRng } from '../../src/models/seed.js';

afterAll(async () => {
  await initBackend('cpu');
});

/** Variables of a small dense net (odd sizes, so the kernel's 4-wide loop has a tail), seeded. */
function weights(prefix: string): tf.Variable[] {
  const rng = new SeededRng(5, 'adam');
  const shapes = [[7, 13], [13], [13, 1], [1], [3, 4]];
  return shapes.map((s, i) => tf.variable(tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform() - 0.5), s), true, `${prefix}${i}`));
}

/** Trains with `opt` for `steps` batches of a fixed data stream; returns every variable's values. */
function train(opt: tf.Optimizer, prefix: string, steps: number): Float32Array[] {
  const vars = weights(prefix);
  const rng = new SeededRng(9, 'adam data');
  for (let s = 0; s < steps; s++) {
    const x = tf.tensor2d(Float32Array.from({ length: 32 * 7 }, () => rng.uniform() * 4 - 2), [32, 7]);
    const y = tf.tensor2d(Float32Array.from({ length: 32 }, () => (rng.uniform() > 0.5 ? 1 : 0)), [32, 1]);
    opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, vars[0]!), vars[1]!));
      const p = tf.sigmoid(tf.add(tf.matMul(h, vars[2]!), vars[3]!));
      // the last variable's gradient is tiny and of varied sign: the update's small-v branch
      return tf.add(tf.mean(tf.metrics.binaryCrossentropy(y, p)), tf.mul(1e-3, tf.sum(tf.square(vars[4]!)))) as tf.Scalar;
    }, false, vars);
    tf.dispose([x, y]);
  }
  const out = vars.map((v) => Float32Array.from(v.dataSync()));
  tf.dispose(vars);
  return out;
}

describe('Adam in one wasm call per variable', () => {
  it("gives tfjs's AdamOptimizer's weights to the bit on the wasm backend, over 25 steps", async () => {
    await initBackend('wasm');
    expect(tfjsHeapRnn(), 'the heap kernel (else this compares tfjs with itself)').not.toBeNull();
    const ours = train(adamOptimizer(0.01), 'ours', 25);
    const stock = train(tf.train.adam(0.01), 'stock', 25);
    expect(ours.map((w) => Array.from(w))).toEqual(stock.map((w) => Array.from(w)));
    // and the weights did move
    const start = weights('start').map((v) => Float32Array.from(v.dataSync()));
    expect(Math.max(...ours[0]!.map((w, i) => Math.abs(w - start[0]![i]!)))).toBeGreaterThan(0.05);
  });

  it('is tfjs\'s AdamOptimizer on the cpu backend', async () => {
    await initBackend('cpu');
    expect(train(adamOptimizer(0.01), 'cpuOurs', 5).map((w) => Array.from(w))).toEqual(train(tf.train.adam(0.01), 'cpuStock', 5).map((w) => Array.from(w)));
  });
});
