import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/models/backend.js';
import { loadModel, MODEL_FILE, saveModel, WEIGHTS_FILE } from '../../../src/models/io.js';
import { attachSeededDropout, predictProba, trainModel } from '../../../src/models/train.js';
import {
  FusedGRU,
  FusedLSTM,
  getRnnKernel,
  referenceKernel,
  setRnnKernel,
  tfjsHeapRnn,
  toFusedTopology,
  toStockTopology,
  type Cell,
  type RnnKernel,
} from '../../../src/models/rnn/index.js';
import { TINY, plantedDaily } from '../helpers.js';
import { buildNet, checkForward, checkGradients, label, maxAbsDiff, pair, sample, variants, type Net, type RecAct, type Sym } from './nets.js';


let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'bft-rnn-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The kernel API beyond what the layers use (initial states, dcLast, dh0/dc0, gates), checked
// against the same recurrence written with tfjs ops and differentiated by tfjs.
describe('reference kernel', () => {
  function tfjsSequence(cell: Cell, ra: RecAct, H: number, xProj: tf.Tensor3D, U: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, mask: tf.Tensor2D) {
    const act = (v: tf.Tensor) => (ra === 'sigmoid' ? tf.sigmoid(v) : tf.clipByValue(tf.add(0.5, tf.mul(0.2, v)), 0, 1));
    const T = xProj.shape[0];
    let h: tf.Tensor = h0;
    let c: tf.Tensor = c0;
    const hs: tf.Tensor[] = [];
    const gates: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const x = tf.squeeze(tf.slice(xProj, [t, 0, 0], [1, -1, -1]), [0]);
      const m = tf.reshape(tf.slice(mask, [t, 0], [1, -1]), [-1, 1]);
      let hNew: tf.Tensor;
      let cNew: tf.Tensor = c;
      if (cell === 'lstm') {
        const [zi, zf, zc, zo] = tf.split(tf.add(x, tf.matMul(h, U)), 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const [i, f, g, o] = [act(zi), act(zf), tf.tanh(zc), act(zo)];
        cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
        hNew = tf.mul(o, tf.tanh(cNew));
        gates.push(tf.concat([i, f, g, o], 1));
      } else {
        const [xz, xr, xh] = tf.split(x, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [uzr, uh] = tf.split(U, [2 * H, H], 1) as [tf.Tensor, tf.Tensor];
        const [rz, rr] = tf.split(tf.matMul(h, uzr), 2, 1) as [tf.Tensor, tf.Tensor];
        const z = act(tf.add(xz, rz));
        const r = act(tf.add(xr, rr));
        const hh = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), uh)));
        hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
        gates.push(tf.concat([z, r, hh], 1));
      }
      h = tf.add(tf.mul(m, hNew), tf.mul(tf.sub(1, m), h));
      c = tf.add(tf.mul(m, cNew), tf.mul(tf.sub(1, m), c));
      hs.push(h);
    }
    return { h: tf.stack(hs), cLast: c, gates: tf.stack(gates) };
  }

  it.each([
    ['lstm', 'hardSigmoid'],
    ['lstm', 'sigmoid'],
    ['gru', 'hardSigmoid'],
    ['gru', 'sigmoid'],
  ] as const)('%s %s: forward, and BPTT with initial states, masks and dcLast', (cell, ra) => {
    const [T, Bk, H] = [6, 3, 4];
    const G = cell === 'lstm' ? 4 : 3;
    const rnd = (shape: number[], seed: number, sd = 1) => tf.randomNormal(shape, 0, sd, 'float32', seed);
    const xProj = rnd([T, Bk, G * H], 1, 2) as tf.Tensor3D;
    const U = rnd([H, G * H], 2, 0.5) as tf.Tensor2D;
    const h0 = rnd([Bk, H], 3, 0.5) as tf.Tensor2D;
    const c0 = rnd([Bk, H], 4, 0.5) as tf.Tensor2D;
    const maskValues = Array.from({ length: T * Bk }, (_, i) => (i === 0 || i === 7 || i === 8 || i === T * Bk - 1 ? 0 : 1));
    const mask = tf.tensor2d(maskValues, [T, Bk]);
    const R = rnd([T, Bk, H], 5);
    const S = rnd([Bk, H], 6);

    const data = (t: tf.Tensor) => Float32Array.from(t.dataSync());
    const input = {
      cell,
      shape: { T, B: Bk, H },
      xProj: data(xProj),
      U: data(U),
      h0: data(h0),
      ...(cell === 'lstm' ? { c0: data(c0) } : {}),
      mask: Float32Array.from(maskValues),
      recurrentActivation: ra,
    };
    const out = referenceKernel.forward(input);
    const grads = referenceKernel.backward({ ...input, out, dh: data(R), ...(cell === 'lstm' ? { dcLast: data(S) } : {}) });

    const expected = tfjsSequence(cell, ra, H, xProj, U, h0, c0, mask);
    const close = (a: Float32Array, b: tf.Tensor) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b.dataSync()[i]!)));
    expect(close(out.h, expected.h)).toBeLessThanOrEqual(1e-5);
    expect(close(out.gates, expected.gates)).toBeLessThanOrEqual(1e-5);
    if (cell === 'lstm') expect(close(out.c!.slice((T - 1) * Bk * H), expected.cLast)).toBeLessThanOrEqual(1e-5);

    // The GRU has no c: its loss does not depend on c0, so tfjs differentiates three inputs.
    const loss = (...args: tf.Tensor[]) => {
      const [x, u, a] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
      const r = tfjsSequence(cell, ra, H, x, u, a, (args[3] ?? c0) as tf.Tensor2D, mask);
      const hLoss = tf.sum(tf.mul(r.h, R));
      return cell === 'lstm' ? tf.add(hLoss, tf.sum(tf.mul(r.cLast, S))) : hLoss;
    };
    const [gx, gu, gh, gc] = tf.grads(loss)(cell === 'lstm' ? [xProj, U, h0, c0] : [xProj, U, h0]) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    expect(close(grads.dxProj, gx)).toBeLessThanOrEqual(1e-4);
    expect(close(grads.dU, gu)).toBeLessThanOrEqual(1e-4);
    expect(close(grads.dh0, gh)).toBeLessThanOrEqual(1e-4);
    if (cell === 'lstm') expect(close(grads.dc0!, gc!)).toBeLessThanOrEqual(1e-4);
    else expect(grads.dc0).toBeUndefined();
    // Masked steps get no gradient on their projections.
    expect(Array.from(grads.dxProj.slice(0, G * H)).every((v) => v === 0)).toBe(true);
    tf.dispose([xProj, U, h0, c0, mask, R, S, expected.h, expected.cLast, expected.gates, gx, gu, gh, ...(gc ? [gc] : [])]);
  });

  it('rejects inconsistent sizes', () => {
    expect(() => referenceKernel.forward({ cell: 'lstm', shape: { T: 2, B: 1, H: 2 }, xProj: new Float32Array(15), U: new Float32Array(16), h0: new Float32Array(2) })).toThrow(/xProj/);
  });
});

// On cpu the fused layers run the copying kernel; on wasm they run it in place on the tfjs heap
// (tfjs-heap.ts), whose backward also differentiates the input projection itself.
describe.each(['cpu', 'wasm'] as const)('fused layers match the stock layers on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
    expect(tfjsHeapRnn() !== null).toBe(backend === 'wasm');
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it.each(variants.map((v) => [label(v), v] as const))('forward: %s', (_name, net) => checkForward(net));

  it.each(variants.map((v) => [label(v), v] as const))('gradients: %s', (_name, net) => checkGradients(net));

});

describe('fused layers match the stock layers', () => {
  it('weights have the stock names, shapes and order', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const { stock, fused } = pair({ cell, layers: 2, returnSequences: false, masking: false, recurrentActivation: 'hardSigmoid' });
      const names = (m: tf.LayersModel) => m.weights.map((w) => `${w.originalName}:${w.shape.join('x')}`);
      expect(names(fused)).toEqual(names(stock));
      expect(names(fused)[0]).toBe(`${cell}_1/kernel:3x${cell === 'lstm' ? 24 : 18}`);
      stock.dispose();
      fused.dispose();
    }
  });

  it('unitForgetBias and seeded initializers give the stock initial weights', () => {
    const net: Net = { cell: 'lstm', layers: 1, returnSequences: false, masking: false, recurrentActivation: 'hardSigmoid' };
    const stock = buildNet(net, false, 42);
    const fused = buildNet(net, true, 42);
    const ws = stock.getWeights();
    const wf = fused.getWeights();
    ws.forEach((w, i) => expect(maxAbsDiff(w, wf[i]!)).toBe(0));
    // Forget-gate slice of the bias is ones.
    expect(Array.from(wf[2]!.dataSync().slice(6, 12))).toEqual(new Array(6).fill(1));
    stock.dispose();
    fused.dispose();
  });

  it('the whole sequence is one kernel call per layer, forward and backward', () => {
    const calls = { forward: 0, backward: 0 };
    const counting: RnnKernel = {
      forward: (a) => (calls.forward++, referenceKernel.forward(a)),
      backward: (a) => (calls.backward++, referenceKernel.backward(a)),
    };
    const previous = getRnnKernel();
    setRnnKernel(counting);
    try {
      const net: Net = { cell: 'gru', layers: 2, returnSequences: false, masking: true, recurrentActivation: 'hardSigmoid' };
      const { fused } = pair(net);
      const x = sample(net, true);
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => tf.sum(fused.apply(x) as tf.Tensor), fused.trainableWeights.map((w) => w.read() as tf.Variable));
      expect(calls).toEqual({ forward: 2, backward: 2 });
      tf.dispose([value, ...Object.values(grads)]);
      // Nothing leaks: the kernel's saved state lives in typed arrays, not tensors.
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      fused.dispose();
    } finally {
      setRnnKernel(previous);
    }
  });

  it.each(variants.map((v) => [label(v), v] as const))('inference (forward only) equals the training path: %s', (_name, net) => {
    const kernels: [string, RnnKernel][] = [['default', getRnnKernel()], ['reference', referenceKernel]];
    const previous = getRnnKernel();
    try {
      for (const [, kernel] of kernels) {
        setRnnKernel(kernel);
        const { stock, fused } = pair(net);
        const x = sample(net, net.masking);
        const calls = { forward: 0, infer: 0 };
        const counting: RnnKernel = {
          forward: (a) => (calls.forward++, kernel.forward(a)),
          backward: (a) => kernel.backward(a),
          infer: (a) => (calls.infer++, kernel.infer!(a)),
        };
        setRnnKernel(counting);
        const before = tf.memory().numTensors;
        const inferred = fused.predict(x) as tf.Tensor; // training falsy, no tape: infer
        expect(calls).toEqual({ forward: 0, infer: net.layers });
        const full = fused.apply(x, { training: true }) as tf.Tensor; // the custom-gradient op
        expect(calls).toEqual({ forward: net.layers, infer: net.layers });
        expect(maxAbsDiff(inferred, full)).toBeLessThanOrEqual(1e-6);
        // Under a tape (gradients wanted) without training: true, the full path is taken too.
        const vars = fused.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => tf.sum(fused.apply(x) as tf.Tensor), vars);
        expect(calls.forward).toBe(2 * net.layers);
        expect(Object.values(grads).length).toBe(vars.length);
        tf.dispose([value, ...Object.values(grads), full]);
        // A kernel without infer falls back to forward.
        setRnnKernel({ forward: (a) => (calls.forward++, kernel.forward(a)), backward: (a) => kernel.backward(a) });
        const fallback = fused.predict(x) as tf.Tensor;
        expect(calls.forward).toBe(3 * net.layers);
        expect(maxAbsDiff(inferred, fallback)).toBe(0);
        // And it matches the stock layers.
        const ref = stock.predict(x) as tf.Tensor;
        expect(maxAbsDiff(inferred, ref)).toBeLessThanOrEqual(1e-4);
        tf.dispose([fallback, ref, inferred]);
        expect(tf.memory().numTensors).toBe(before);
        setRnnKernel(kernel);
        x.dispose();
        stock.dispose();
        fused.dispose();
      }
    } finally {
      setRnnKernel(previous);
    }
  });

  it('inference on the tfjs wasm backend (xProj read in place from its heap) equals the training path', async () => {
    await initBackend('wasm');
    try {
      for (const net of variants.filter((v) => v.recurrentActivation === 'sigmoid')) {
        const { stock, fused } = pair(net);
        const x = sample(net, net.masking);
        const inferred = fused.predict(x) as tf.Tensor;
        const full = fused.apply(x, { training: true }) as tf.Tensor;
        expect(maxAbsDiff(inferred, full)).toBeLessThanOrEqual(1e-6);
        // The input is untouched (the heap view is only read).
        const again = fused.predict(x) as tf.Tensor;
        expect(maxAbsDiff(inferred, again)).toBe(0);
        tf.dispose([x, inferred, full, again]);
        stock.dispose();
        fused.dispose();
      }
    } finally {
      await initBackend('cpu');
    }
  });

  it('rejects what it does not implement', () => {
    expect(() => new FusedLSTM({ units: 2, returnState: true })).toThrow(/returnState/);
    expect(() => new FusedGRU({ units: 2, goBackwards: true })).toThrow(/goBackwards/);
    expect(() => new FusedLSTM({ units: 2, activation: 'relu' })).toThrow(/activation "relu"/);
    expect(() => new FusedGRU({ units: 2, recurrentActivation: 'tanh' })).toThrow(/recurrentActivation "tanh"/);
  });
});

describe('dropout', () => {
  const net: Net = { cell: 'lstm', layers: 1, returnSequences: true, masking: false, recurrentActivation: 'hardSigmoid' };

  function withDropout(cell: Cell, fused: boolean): tf.LayersModel {
    const input = tf.input({ shape: [7, 3] });
    const args = { name: 'rnn', units: 6, returnSequences: true, dropout: 0.3, recurrentDropout: 0.3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) };
    const layer = cell === 'lstm' ? (fused ? new FusedLSTM(args) : tf.layers.lstm(args)) : fused ? new FusedGRU(args) : tf.layers.gru(args);
    return tf.model({ inputs: input, outputs: layer.apply(input) as Sym });
  }

  it.each(['lstm', 'gru'] as const)('%s: inference is identical to stock; training drops, reproducibly once seeded', (cell) => {
    const stock = withDropout(cell, false);
    const fused = withDropout(cell, true);
    fused.setWeights(stock.getWeights());
    const x = sample(net, false);
    const a = stock.predict(x) as tf.Tensor;
    const b = fused.predict(x) as tf.Tensor;
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
    // attachSeededDropout (train.ts) finds and seeds the fused layer like a stock one.
    expect(attachSeededDropout(fused, 5)).toBe(1);
    const t1 = fused.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(t1, b)).toBeGreaterThan(1e-3);
    attachSeededDropout(fused, 5);
    const t2 = fused.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(t1, t2)).toBe(0);
    tf.dispose([x, a, b, t1, t2]);
    stock.dispose();
    fused.dispose();
  });

  // Input dropout is drawn per sample like tfjs's: the mean output over many samples agrees.
  it('input dropout matches stock in expectation (mean over 4000 draws)', () => {
    const input = tf.input({ shape: [1, 3] });
    const mk = (fused: boolean) => {
      const args = { name: 'rnn', units: 4, dropout: 0.4, recurrentActivation: 'sigmoid' as const, kernelInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 2 }) };
      return tf.model({ inputs: input, outputs: (fused ? new FusedGRU(args) : tf.layers.gru(args)).apply(input) as Sym });
    };
    const stock = mk(false);
    const fused = mk(true);
    fused.setWeights(stock.getWeights());
    const x = tf.tidy(() => tf.tile(tf.randomNormal([1, 1, 3], 0, 1, 'float32', 9), [4000, 1, 1]));
    const ms = tf.tidy(() => tf.mean(stock.apply(x, { training: true }) as tf.Tensor, 0));
    const mf = tf.tidy(() => tf.mean(fused.apply(x, { training: true }) as tf.Tensor, 0));
    expect(maxAbsDiff(ms, mf)).toBeLessThan(5e-3);
    tf.dispose([x, ms, mf]);
    stock.dispose();
    fused.dispose();
  });

  // With a deterministic mask generator that gives every sample the same mask, the stock and the
  // fused layers must drop exactly the same units (and scale the kept ones the same way): the
  // outputs agree exactly for the LSTM with input and recurrent dropout, and for the GRU with
  // input dropout (tfjs's GRU also drops h in its state carry, the fused GRU does not).
  it.each([
    ['lstm', { dropout: 0.3, recurrentDropout: 0.4 }],
    ['gru', { dropout: 0.3 }],
  ] as const)('%s: a shared deterministic mask drops the same units as stock', (cell, rates) => {
    const pattern = (ones: tf.Tensor, rate: number) =>
      tf.tidy(() => {
        const column = ones.shape[1] === 1; // fused recurrent mask [units, 1]; else [batch, n]
        const n = column ? ones.shape[0]! : ones.shape[1]!;
        const v = tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : 1 / (1 - rate))));
        return tf.mul(ones, column ? tf.reshape(v, [n, 1]) : v);
      });
    const input = tf.input({ shape: [7, 3] });
    const mk = (fused: boolean) => {
      const args = { name: 'rnn', units: 6, returnSequences: true, ...rates, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) };
      const layer = cell === 'lstm' ? (fused ? new FusedLSTM(args) : tf.layers.lstm(args)) : fused ? new FusedGRU(args) : tf.layers.gru(args);
      (layer as unknown as { cell: { dropoutFunc: unknown } }).cell.dropoutFunc = pattern;
      return tf.model({ inputs: input, outputs: layer.apply(input) as Sym });
    };
    const stock = mk(false);
    const fused = mk(true);
    fused.setWeights(stock.getWeights());
    const x = sample(net, false);
    const a = stock.apply(x, { training: true }) as tf.Tensor;
    const b = fused.apply(x, { training: true }) as tf.Tensor;
    const clean = fused.predict(x) as tf.Tensor;
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(b, clean)).toBeGreaterThan(1e-2);
    tf.dispose([x, a, b, clean]);
    stock.dispose();
    fused.dispose();
  });
});

describe('training and serialisation', () => {
  function tinyFused(cell: Cell, fused: boolean): tf.LayersModel {
    const input = tf.input({ name: 'daily', shape: [TINY.lookback, TINY.dailyFeatures] });
    const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as Sym;
    const mk = (i: number, returnSequences: boolean) => {
      const args = {
        name: `daily_${cell}_${i}`,
        units: 8,
        returnSequences,
        dropout: 0.1,
        recurrentDropout: 0.1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: 20 + i }),
      };
      if (cell === 'lstm') return fused ? new FusedLSTM({ ...args, unitForgetBias: true }) : tf.layers.lstm({ ...args, unitForgetBias: true });
      return fused ? new FusedGRU(args) : tf.layers.gru(args);
    };
    const h1 = mk(1, true).apply(masked) as Sym;
    const h2 = mk(2, false).apply(h1) as Sym;
    const output = tf.layers.dense({ name: 'output', units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(h2) as Sym;
    return tf.model({ name: `daily_${cell}`, inputs: input, outputs: output });
  }

  function classNames(m: tf.LayersModel): string[] {
    return m.layers.map((l) => l.getClassName()).filter((n) => /LSTM|GRU/.test(n));
  }

  function rewrite(from: string, to: string, convert: (json: unknown) => unknown): void {
    mkdirSync(to, { recursive: true });
    const json: unknown = JSON.parse(readFileSync(join(from, MODEL_FILE), 'utf8'));
    writeFileSync(join(to, MODEL_FILE), JSON.stringify(convert(json)));
    copyFileSync(join(from, WEIGHTS_FILE), join(to, WEIGHTS_FILE));
  }

  it.each(['lstm', 'gru'] as const)('%s: trains through trainModel, and round-trips fused -> stock -> fused', async (cell) => {
    const train = plantedDaily(96, TINY, 1);
    const model = tinyFused(cell, true);
    const result = await trainModel(model, train, { epochs: 8, batchSize: 16, learningRate: 0.02, patience: 0, classWeights: 'none', seed: 3 });
    const losses = result.history.map((h) => h.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.8);

    // Some all-zero (masked) days in the prediction set.
    const test = plantedDaily(24, TINY, 2);
    test.channels.daily.data.fill(0, 0, TINY.dailyFeatures * 2);
    const expected = predictProba(model, test);

    const fusedDir = join(dir, `${cell}-fused`);
    await saveModel(model, fusedDir);
    const savedJson = readFileSync(join(fusedDir, MODEL_FILE), 'utf8');
    expect(savedJson).toContain(cell === 'lstm' ? '"FusedLSTM"' : '"FusedGRU"');
    const reloaded = await loadModel(fusedDir);
    expect(classNames(reloaded)).toEqual(cell === 'lstm' ? ['FusedLSTM', 'FusedLSTM'] : ['FusedGRU', 'FusedGRU']);
    const close = (p: Float32Array) => Math.max(...Array.from(p, (v, i) => Math.abs(v - expected[i]!)));
    expect(close(predictProba(reloaded, test))).toBeLessThanOrEqual(1e-5);

    const stockDir = join(dir, `${cell}-stock`);
    rewrite(fusedDir, stockDir, toStockTopology);
    expect(readFileSync(join(stockDir, MODEL_FILE), 'utf8')).not.toContain('Fused');
    const stock = await loadModel(stockDir);
    expect(classNames(stock)).toEqual(cell === 'lstm' ? ['LSTM', 'LSTM'] : ['GRU', 'GRU']);
    expect(close(predictProba(stock, test))).toBeLessThanOrEqual(1e-5);

    // Stock -> fused: save the stock model with tfjs's own serialisation, convert, load.
    const stockSaved = join(dir, `${cell}-stock-saved`);
    await saveModel(stock, stockSaved);
    const backDir = join(dir, `${cell}-back`);
    rewrite(stockSaved, backDir, toFusedTopology);
    const back = await loadModel(backDir);
    expect(classNames(back)).toEqual(cell === 'lstm' ? ['FusedLSTM', 'FusedLSTM'] : ['FusedGRU', 'FusedGRU']);
    expect(close(predictProba(back, test))).toBeLessThanOrEqual(1e-5);
    // The config survives both conversions unchanged.
    expect(back.layers.map((l) => l.getConfig())).toEqual(reloaded.layers.map((l) => l.getConfig()));

    [model, reloaded, stock, back].forEach((m) => m.dispose());
  });

  it('a freshly built stock model converts to fused and predicts the same', async () => {
    const stock = tinyFused('lstm', false);
    const test = plantedDaily(16, TINY, 4);
    const expected = predictProba(stock, test);
    const a = join(dir, 'fresh-stock');
    const b = join(dir, 'fresh-fused');
    await saveModel(stock, a);
    rewrite(a, b, toFusedTopology);
    const fused = await loadModel(b);
    const got = predictProba(fused, test);
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i]!)))).toBeLessThanOrEqual(1e-5);
    stock.dispose();
    fused.dispose();
  });
});

// Timing of one forward + backward, LSTM T=255 B=64 H=32: BFT_RNN_BENCH=1 npx vitest run test/models/rnn/layers.test.ts
describe.skipIf(!process.env['BFT_RNN_BENCH'])('timing', () => {
  it('reference kernel vs stock tf.layers.lstm on the cpu backend', () => {
    const T = 255;
    const Bt = 64;
    const H = 32;
    const D = 8;
    const time = (fn: () => void, reps: number) => {
      fn(); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      return (performance.now() - t0) / reps;
    };
    const xProj = tf.randomNormal([T * Bt * 4 * H], 0, 1, 'float32', 1).dataSync() as Float32Array;
    const U = tf.randomNormal([H * 4 * H], 0, 0.2, 'float32', 2).dataSync() as Float32Array;
    const dh = tf.randomNormal([T * Bt * H], 0, 1, 'float32', 3).dataSync() as Float32Array;
    const input = { cell: 'lstm' as const, shape: { T, B: Bt, H }, xProj, U, h0: new Float32Array(Bt * H), c0: new Float32Array(Bt * H) };
    const kernelMs = time(() => {
      const out = referenceKernel.forward(input);
      referenceKernel.backward({ ...input, out, dh });
    }, 3);
    const x = tf.randomNormal([Bt, T, D], 0, 1, 'float32', 4);
    const layerMs = (fused: boolean) => {
      const args = { units: H, returnSequences: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) };
      const layer = fused ? new FusedLSTM(args) : tf.layers.lstm(args);
      const m = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [T, D] }), layer] });
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const ms = time(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(m.apply(x) as tf.Tensor), vars);
        tf.dispose([value, ...Object.values(grads)]);
      }, 2);
      m.dispose();
      return ms;
    };
    const fusedMs = layerMs(true);
    const stockMs = layerMs(false);
    console.log(`LSTM T=${T} B=${Bt} H=${H} forward+backward: reference kernel ${kernelMs.toFixed(1)} ms, FusedLSTM layer ${fusedMs.toFixed(1)} ms, stock tf.layers.lstm ${stockMs.toFixed(1)} ms (cpu backend)`);
    x.dispose();
  });
});
