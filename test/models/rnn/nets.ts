// Small recurrent nets built twice, with tfjs's stock layers and with bft's fused ones (the same
// weights), and the two checks the fused layers must pass against the stock ones: forward
// outputs and gradients within 1e-4. Used by layers.test.ts and threads.test.ts.

import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { FusedGRU, FusedLSTM, type Cell } from '../../../src/models/rnn/index.js';

export type Sym = tf.SymbolicTensor;
export type RecAct = 'hardSigmoid' | 'sigmoid';

export interface Net {
  cell: Cell;
  layers: number;
  returnSequences: boolean;
  recurrentActivation: RecAct;
  masking: boolean;
  units?: number;
  T?: number;
  D?: number;
}

/** The batch of the layer tests (the thread tests use a larger one, which they split). */
export const B = 5;

/** Input -> [masking] -> `layers` recurrent layers (the last returns sequences iff asked). */
export function buildNet(net: Net, fused: boolean, seed = 7): tf.LayersModel {
  const { T = 7, D = 3, units = 6 } = net;
  const input = tf.input({ shape: [T, D], name: 'seq' });
  let out: Sym = input;
  if (net.masking) out = tf.layers.masking({ maskValue: 0 }).apply(out) as Sym;
  for (let i = 0; i < net.layers; i++) {
    const args = {
      name: `${net.cell}_${i + 1}`,
      units,
      returnSequences: i < net.layers - 1 || net.returnSequences,
      recurrentActivation: net.recurrentActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seed + 100 + i }),
      // A non-zero bias so the bias gradient and the gates' clipping are exercised.
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 200 + i }),
    };
    const layer =
      net.cell === 'lstm'
        ? fused
          ? new FusedLSTM({ ...args, unitForgetBias: true })
          : tf.layers.lstm({ ...args, unitForgetBias: true })
        : fused
          ? new FusedGRU(args)
          : tf.layers.gru(args);
    out = layer.apply(out) as Sym;
  }
  return tf.model({ inputs: input, outputs: out });
}

/** A stock model and a fused one with the stock weights copied over. */
export function pair(net: Net): { stock: tf.LayersModel; fused: tf.LayersModel } {
  const stock = buildNet(net, false);
  const fused = buildNet(net, true, 1234);
  fused.setWeights(stock.getWeights());
  return { stock, fused };
}

/** Random [B, T, D] input, large enough to drive hardSigmoid into its clipped range; with
 * `masked`, some steps are all zeros (first, middle and last steps, and one whole sample). */
export function sample(net: Net, masked: boolean, seed = 3, batch = B): tf.Tensor3D {
  const { T = 7, D = 3 } = net;
  const x = tf.randomNormal([batch, T, D], 0, 2, 'float32', seed).arraySync() as number[][][];
  if (masked) {
    const zero = (b: number, t: number) => x[b]![t]!.fill(0);
    zero(0, 0);
    zero(1, 3);
    zero(1, 4);
    zero(2, T - 1);
    for (let t = 0; t < T; t++) zero(4, t);
  }
  return tf.tensor3d(x);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

export const variants: Net[] = [];
for (const cell of ['lstm', 'gru'] as const) {
  for (const layers of [1, 2]) {
    for (const returnSequences of [false, true]) {
      for (const masking of [false, true]) {
        for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const) {
          variants.push({ cell, layers, returnSequences, masking, recurrentActivation });
        }
      }
    }
  }
}
export const label = (n: Net) => `${n.cell} x${n.layers} ${n.returnSequences ? 'sequences' : 'last'} ${n.masking ? 'masked' : 'unmasked'} ${n.recurrentActivation}`;

/** A fused model predicts what the stock one does (within 1e-4) on a batch of `batch`. */
export function checkForward(net: Net, batch = B): void {
  const { stock, fused } = pair(net);
  const x = sample(net, net.masking, 3, batch);
  const a = stock.predict(x) as tf.Tensor;
  const b = fused.predict(x) as tf.Tensor;
  expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
  // The masks are really in play: a fully masked sample outputs zeros.
  if (net.masking && !net.returnSequences) expect(Math.max(...Array.from(b.dataSync().slice(4 * 6, 5 * 6)).map(Math.abs))).toBe(0);
  tf.dispose([x, a, b]);
  stock.dispose();
  fused.dispose();
}

/** The fused layers' gradients (input and every weight) are the stock ones' within 1e-4, on a batch of `batch`. */
export function checkGradients(net: Net, batch = B): void {
  const { stock, fused } = pair(net);
  const x = sample(net, net.masking, 3, batch);
  const outShape = stock.outputs[0]!.shape.map((d) => d ?? batch);
  const r = tf.randomNormal(outShape, 0, 1, 'float32', 11);
  // The masking layer's tf.any has no gradient, so the recurrent layers are applied directly
  // with the mask the masking layer would compute, made outside the tape.
  const mask = net.masking ? tf.any(tf.notEqual(x, 0), -1) : null;
  const run = (model: tf.LayersModel, input: tf.Tensor): tf.Tensor => {
    let h = input;
    for (const layer of model.layers.filter((l) => /LSTM|GRU/.test(l.getClassName()))) h = layer.apply(h, mask ? { mask } : {}) as tf.Tensor;
    return h;
  };
  const gradsOf = (model: tf.LayersModel, tag: string) => {
    const xv = tf.variable(x, true, `x_${tag}_${Math.random().toString(36).slice(2)}`);
    const vars = [xv, ...model.trainableWeights.map((w) => w.read() as tf.Variable)];
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(model, xv), r)), vars);
    const list = vars.map((v) => grads[v.name]!);
    value.dispose();
    xv.dispose();
    return list;
  };
  const gs = gradsOf(stock, 'stock');
  const gf = gradsOf(fused, 'fused');
  expect(gf.length).toBe(1 + 3 * net.layers);
  gs.forEach((g, i) => {
    expect(g).toBeDefined();
    expect(maxAbsDiff(g, gf[i]!)).toBeLessThanOrEqual(1e-4);
  });
  // The input gradient is non-trivial (the comparison is not 0 == 0).
  expect(tf.tidy(() => tf.max(tf.abs(gf[0]!)).dataSync()[0]!)).toBeGreaterThan(1e-3);
  tf.dispose([...gs, ...gf]);
  // Nothing the fused op saved for its backward pass outlives it.
  const before = tf.memory().numTensors;
  tf.dispose(gradsOf(fused, 'again'));
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, r, ...(mask ? [mask] : [])]);
  stock.dispose();
  fused.dispose();
}
