// Training and prediction on plain typed arrays. The dataset layer hands over flat row-major
// Float32Arrays per channel ([n x steps x features]) and class indices; this
// module turns them into tensors named after the model's inputs, fits with Adam, and keeps the
// run a pure function of its seed:
//  - samples are shuffled by our seeded PRNG (tfjs's `shuffle: true` uses Math.random);
//  - each batch is one optimizer step computing exactly what model.fit's step computes (the
//    compiled loss, class weights as sample weights, regularisation losses), on rows copied
//    from the typed arrays: fit and tf.gather cut batches out of tensors, which on the wasm
//    backend costs time in proportion to the whole input (measured with tf.profile);
//  - the dropout masks of recurrent cells come from a seeded generator attached to each cell
//    (tfjs's default draws them unseeded);
//  - initial weights are seeded by the builder (build.ts).
// Every tensor made here is disposed; tf.memory().numTensors stays flat across epochs.

import * as tf from '@tensorflow/tfjs';
import { BftError } from '../errors.js';
import { adamOptimizer } from './adam.js';
import type { ChannelArray, ChannelName } from './registry.js';
import { SeededRng, deriveSeed, permutation } from './seed.js';

/** Inputs of n samples, one array per channel the model reads (matched by input name). */
export interface InputArrays {
  n: number;
  channels: Readonly<Record<ChannelName, ChannelArray>>;
}

export interface TrainArrays extends InputArrays {
  /** Class index per sample, 0..classes-1 (binary: 1 = up). */
  y: Int32Array;
}

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Training loss (class-weighted when class weights are on) and accuracy, as fit reports them. */
  loss: number;
  acc: number;
  /** Unweighted loss and accuracy on the validation set, when one is given. */
  valLoss?: number;
  valAcc?: number;
}

export type ClassWeightMode = 'balanced' | 'none';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation loss before stopping; 0 never stops early. */
  patience: number;
  validation?: TrainArrays;
  classWeights: ClassWeightMode;
  seed: number;
  onEpoch?: (e: EpochLog) => void;
}

export interface TrainResult {
  history: EpochLog[];
  /** 1-based epoch whose weights the model holds on return (best validation loss, else the last). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Weight per class used in the loss. */
  classWeights: number[];
}

/** Number of classes a model predicts: 2 for one sigmoid unit, else the softmax width. */
export function outputClasses(model: tf.LayersModel): number {
  const out = model.outputs[0];
  const width = out?.shape[out.shape.length - 1];
  if (model.outputs.length !== 1 || typeof width !== 'number') {
    throw new BftError('incompatible_artifact', 'model must have exactly one output of fixed width');
  }
  return width === 1 ? 2 : width;
}

/** 'balanced': n / (classes * count_c), the usual inverse-frequency weights; absent classes get 1. */
export function computeClassWeights(y: Int32Array, classes: number, mode: ClassWeightMode): number[] {
  const weights = new Array<number>(classes).fill(1);
  if (mode === 'none') return weights;
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c] = (counts[c] ?? 0) + 1;
  return counts.map((count) => (count > 0 ? y.length / (classes * count) : 1));
}

export async function trainModel(model: tf.LayersModel, train: TrainArrays, opts: TrainOptions): Promise<TrainResult> {
  checkOptions(opts);
  const classes = outputClasses(model);
  checkArrays(model, train, 'training');
  checkLabels(train, classes, 'training');
  if (opts.validation) {
    checkArrays(model, opts.validation, 'validation');
    checkLabels(opts.validation, classes, 'validation');
  }
  const classWeights = computeClassWeights(train.y, classes, opts.classWeights);
  model.compile({
    optimizer: adamOptimizer(opts.learningRate),
    loss: classes === 2 ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  attachSeededDropout(model, opts.seed);

  const rng = new SeededRng(opts.seed, 'shuffle');
  const batches = new BatchMaker(model, train, classes, opts.classWeights === 'none' ? null : classWeights);
  const val = opts.validation ? { xs: inputTensors(model, opts.validation), ys: targetTensor(opts.validation.y, classes) } : null;
  const history: EpochLog[] = [];
  let best: { epoch: number; valLoss: number; weights: tf.Tensor[] } | null = null;
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const fitted = fitEpoch(model, batches, permutation(train.n, rng), opts.batchSize, classes);
      const log: EpochLog = { epoch, ...fitted };
      if (val) Object.assign(log, evaluate(model, val.xs, val.ys, opts.batchSize));
      history.push(log);
      opts.onEpoch?.(log);
      if (log.valLoss === undefined) continue;
      // A NaN validation loss (diverged run) never counts as an improvement.
      if (Number.isFinite(log.valLoss) && (best === null || log.valLoss < best.valLoss)) {
        if (best) tf.dispose(best.weights);
        best = { epoch, valLoss: log.valLoss, weights: model.getWeights().map((w) => w.clone()) };
      } else if (opts.patience > 0 && epoch - (best?.epoch ?? 0) >= opts.patience) {
        stoppedEarly = true;
        break;
      }
    }
    const lastEpoch = history.length;
    if (best && best.epoch !== lastEpoch) model.setWeights(best.weights);
    return { history, bestEpoch: best?.epoch ?? lastEpoch, stoppedEarly, classWeights };
  } finally {
    tf.dispose([...(val ? [...val.xs, val.ys] : []), ...(best ? best.weights : [])]);
  }
}

/**
 * Class probabilities: length n (P(up)) for a binary model, row-major [n x classes] otherwise.
 */
export function predictProba(model: tf.LayersModel, x: InputArrays, batchSize = 256): Float32Array {
  checkArrays(model, x, 'prediction');
  // Batches are cut from the typed arrays here rather than by model.predict: tfjs slices its
  // input tensors per batch, and on the wasm backend each slice cost time in proportion to the
  // whole input (28 ms a batch with 2,048 samples of 255 x 8, measured with tf.profile).
  const classes = outputClasses(model);
  const out = new Float32Array(x.n * (classes === 2 ? 1 : classes));
  for (let start = 0; start < x.n; start += batchSize) {
    const batch = sliceInputs(x, start, Math.min(x.n, start + batchSize));
    const xs = inputTensors(model, batch);
    try {
      // model.call runs the batch as one (model.predict would cut it again, into 32s).
      const y = model.call(xs.length === 1 ? xs[0]! : xs, { training: false });
      const probs = Array.isArray(y) ? y[0]! : y;
      out.set(probs.dataSync() as Float32Array, start * (classes === 2 ? 1 : classes));
      tf.dispose(y);
    } finally {
      tf.dispose(xs);
    }
  }
  return out;
}

/** Samples [from, to) of the inputs, as views (no copy). */
function sliceInputs(x: InputArrays, from: number, to: number): InputArrays {
  const channels: Record<ChannelName, ChannelArray> = {};
  for (const [name, c] of Object.entries(x.channels)) {
    const w = c.steps * c.features;
    channels[name] = { ...c, data: c.data.subarray(from * w, to * w) };
  }
  return { n: to - from, channels };
}

/**
 * Gives every recurrent cell with dropout a mask generator drawing tf.dropout seeds from a PRNG
 * seeded with (seed, layer name). tfjs calls it once per mask per batch, in a fixed order, so
 * the masks repeat exactly from run to run. Returns how many cells were seeded.
 */
export function attachSeededDropout(model: tf.LayersModel, seed: number): number {
  let seeded = 0;
  for (const layer of model.layers) {
    const cell = (layer as unknown as { cell?: DropoutCell }).cell;
    if (!cell || typeof cell.dropout !== 'number') continue;
    if (cell.dropout <= 0 && (cell.recurrentDropout ?? 0) <= 0) continue;
    const rng = new SeededRng(deriveSeed(seed, `dropout/${layer.name}`));
    cell.dropoutFunc = (x: tf.Tensor, rate: number) => tf.dropout(x, rate, undefined, rng.nextSeed());
    seeded++;
  }
  return seeded;
}

/** The fields of a tfjs LSTMCell/GRUCell we touch (declared readonly in tfjs's types). */
interface DropoutCell {
  dropout: number;
  recurrentDropout?: number;
  dropoutFunc?: (x: tf.Tensor, rate: number) => tf.Tensor;
}

/** Training batches made from the typed arrays: inputs in the model's input order, targets, sample weights. */
class BatchMaker {
  private readonly sources: { data: Float32Array; shape: [number, number]; buf: Float32Array }[];
  constructor(
    model: tf.LayersModel,
    private readonly train: TrainArrays,
    private readonly classes: number,
    private readonly classWeights: number[] | null,
  ) {
    this.sources = model.inputNames.map((name) => {
      const c = train.channels[name];
      if (!c) throw new BftError('bad_input', `model input "${name}" has no data`);
      return { data: c.data, shape: [c.steps, c.features] as [number, number], buf: new Float32Array(0) };
    });
  }

  /** Tensors for samples `rows` (the caller disposes them). */
  make(rows: Int32Array): { xs: tf.Tensor[]; y: tf.Tensor; weights: tf.Tensor | null } {
    const n = rows.length;
    const xs = this.sources.map((s) => {
      const w = s.shape[0] * s.shape[1];
      if (s.buf.length !== n * w) s.buf = new Float32Array(n * w);
      for (let i = 0; i < n; i++) s.buf.set(s.data.subarray(rows[i]! * w, rows[i]! * w + w), i * w);
      return tf.tensor3d(s.buf, [n, s.shape[0], s.shape[1]]);
    });
    const c = this.classes;
    const y = new Float32Array(c === 2 ? n : n * c);
    for (let i = 0; i < n; i++) {
      const label = this.train.y[rows[i]!]!;
      if (c === 2) y[i] = label;
      else y[i * c + label] = 1;
    }
    const cw = this.classWeights;
    const weights = cw === null ? null : tf.tensor1d(Float32Array.from(rows, (r) => cw[this.train.y[r]!]!));
    return { xs, y: tf.tensor2d(y, [n, c === 2 ? 1 : c]), weights };
  }
}

function fitEpoch(model: tf.LayersModel, batches: BatchMaker, order: Int32Array, batchSize: number, classes: number): { loss: number; acc: number } {
  const optimizer = model.optimizer;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // Sums over the epoch stay tensors, read once at its end (a read per batch stalls the loop).
  let lossSum: tf.Scalar = tf.scalar(0);
  let correct: tf.Scalar = tf.scalar(0);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.subarray(start, Math.min(order.length, start + batchSize));
    const b = batches.make(rows);
    try {
      let batchCorrect: tf.Scalar | null = null;
      // model.fit's train step: mean of the per-sample loss times the sample weights, plus the
      // layers' regularisation losses; accuracy from the same forward pass.
      const loss = optimizer.minimize(() => {
        // model.call, not model.apply: apply on eager tensors also runs the whole graph a second
        // time to compute output masks, and keeps a tensor from it (tfjs-layers 4.22).
        const out = model.call(b.xs, { training: true });
        const p = Array.isArray(out) ? out[0]! : out;
        const perSample = classes === 2 ? tf.metrics.binaryCrossentropy(b.y, p) : tf.metrics.categoricalCrossentropy(b.y, p);
        batchCorrect = tf.keep(tf.sum(classes === 2 ? tf.metrics.binaryAccuracy(b.y, p) : tf.metrics.categoricalAccuracy(b.y, p)) as tf.Scalar);
        let total = tf.mean(b.weights ? tf.mul(perSample, b.weights) : perSample) as tf.Scalar;
        for (const r of model.calculateLosses()) total = tf.add(total, r) as tf.Scalar;
        return total;
      }, true, vars)!;
      const [prevLoss, prevCorrect] = [lossSum, correct];
      lossSum = tf.tidy(() => tf.add(prevLoss, tf.mul(loss, rows.length)) as tf.Scalar);
      correct = tf.add(prevCorrect, batchCorrect!) as tf.Scalar;
      tf.dispose([prevLoss, prevCorrect, loss, batchCorrect!]);
    } finally {
      tf.dispose([...b.xs, b.y, ...(b.weights ? [b.weights] : [])]);
    }
  }
  const out = { loss: lossSum.dataSync()[0]! / order.length, acc: correct.dataSync()[0]! / order.length };
  tf.dispose([lossSum, correct]);
  return out;
}

function evaluate(model: tf.LayersModel, xs: tf.Tensor[], ys: tf.Tensor, batchSize: number): { valLoss: number; valAcc: number } {
  const out = model.evaluate(xs.length === 1 ? xs[0]! : xs, ys, { batchSize });
  const scalars = Array.isArray(out) ? out : [out];
  try {
    return { valLoss: scalars[0]!.dataSync()[0]!, valAcc: scalars[1]?.dataSync()[0] ?? Number.NaN };
  } finally {
    tf.dispose(scalars);
  }
}


/** One tensor per model input, in the model's input order, matched by input name. */
function inputTensors(model: tf.LayersModel, x: InputArrays): tf.Tensor[] {
  return model.inputNames.map((name) => {
    const c = x.channels[name];
    if (!c) throw new BftError('bad_input', `model input "${name}" has no data`);
    return tf.tensor3d(c.data, [x.n, c.steps, c.features]);
  });
}

function targetTensor(y: Int32Array, classes: number): tf.Tensor {
  if (classes === 2) return tf.tensor2d(Float32Array.from(y), [y.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat());
}

function checkOptions(opts: TrainOptions): void {
  const bad = (field: string, rule: string, v: unknown) => new BftError('bad_config', `training option ${field} ${rule} (got ${String(v)})`, { field });
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw bad('epochs', 'must be an integer >= 1', opts.epochs);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw bad('batchSize', 'must be an integer >= 1', opts.batchSize);
  if (!(opts.learningRate > 0) || !Number.isFinite(opts.learningRate)) throw bad('learningRate', 'must be a positive number', opts.learningRate);
  if (!Number.isInteger(opts.patience) || opts.patience < 0) throw bad('patience', 'must be an integer >= 0', opts.patience);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw bad('seed', 'must be a non-negative integer', opts.seed);
  if (opts.classWeights !== 'balanced' && opts.classWeights !== 'none') throw bad('classWeights', 'must be "balanced" or "none"', opts.classWeights);
}

/** Sizes agree with n and with the model's inputs, and every value is finite. */
function checkArrays(model: tf.LayersModel, x: InputArrays, what: string): void {
  if (!Number.isInteger(x.n) || x.n < 1) throw new BftError('bad_input', `${what} set is empty (n = ${x.n})`);
  model.inputNames.forEach((inputName, i) => {
    // inputNames are the input layers' names; the symbolic tensors' own names may carry suffixes.
    const name = inputName as ChannelName;
    const arr = x.channels[name];
    if (!arr) throw new BftError('bad_input', `${what} set has no "${inputName}" input, which the model needs`);
    const [, steps, features] = model.inputs[i]?.shape ?? [];
    if (arr.steps !== steps || arr.features !== features) {
      throw new BftError('bad_input', `${what} ${name} input is ${arr.steps}x${arr.features} per sample but the model expects ${steps}x${features}`);
    }
    if (arr.data.length !== x.n * arr.steps * arr.features) {
      throw new BftError('bad_input', `${what} ${name} input holds ${arr.data.length} values, expected n*${arr.steps}*${arr.features} = ${x.n * arr.steps * arr.features}`);
    }
    checkFinite(arr.data, arr.steps, arr.features, `${what} ${name}`);
  });
}

function checkFinite(data: Float32Array, steps: number, features: number, label: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) continue;
    const perSample = steps * features;
    const sample = Math.floor(i / perSample);
    const step = Math.floor((i % perSample) / features);
    throw new BftError('bad_input', `${label} input has ${v} at sample ${sample} (step ${step}, feature ${i % features})`, { sample, step, feature: i % features });
  }
}

function checkLabels(x: TrainArrays, classes: number, what: string): void {
  if (x.y.length !== x.n) throw new BftError('bad_input', `${what} labels hold ${x.y.length} values for n = ${x.n} samples`);
  for (let i = 0; i < x.y.length; i++) {
    const c = x.y[i]!;
    if (c < 0 || c >= classes) {
      throw new BftError('bad_input', `${what} label ${c} at sample ${i} is outside 0..${classes - 1}`, { sample: i });
    }
  }
}
