// Training and prediction on plain typed arrays. The dataset layer hands over flat row-major
// Float32Arrays ([n x lookback x features], [n x bars x features]) and class indices; this
// module turns them into tensors named after the model's inputs, fits with Adam, and keeps the
// run a pure function of its seed:
//  - samples are shuffled by our seeded PRNG (tfjs's `shuffle: true` uses Math.random) and each
//    epoch is one model.fit call over the pre-permuted tensors with `shuffle: false`;
//  - the dropout masks of recurrent cells come from a seeded generator attached to each cell
//    (tfjs's default draws them unseeded);
//  - initial weights are seeded by the builder (build.ts).
// Every tensor made here is disposed; tf.memory().numTensors stays flat across epochs.

import * as tf from '@tensorflow/tfjs';
import type { ChannelName } from './registry.js';
import { ModelError } from './errors.js';
import { SeededRng, deriveSeed, permutation } from './seed.js';

export interface DailyArray {
  /** Row-major [n x lookback x features]. */
  data: Float32Array;
  lookback: number;
  features: number;
}

export interface MinuteArray {
  /** Row-major [n x bars x features]. */
  data: Float32Array;
  bars: number;
  features: number;
}

export interface InputArrays {
  n: number;
  daily?: DailyArray;
  minute?: MinuteArray;
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
    throw new ModelError('incompatible_artifact', 'model must have exactly one output of fixed width');
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
    optimizer: tf.train.adam(opts.learningRate),
    loss: classes === 2 ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  attachSeededDropout(model, opts.seed);

  const rng = new SeededRng(opts.seed, 'shuffle');
  const xs = inputTensors(model, train);
  const ys = targetTensor(train.y, classes);
  const val = opts.validation ? { xs: inputTensors(model, opts.validation), ys: targetTensor(opts.validation.y, classes) } : null;
  const history: EpochLog[] = [];
  let best: { epoch: number; valLoss: number; weights: tf.Tensor[] } | null = null;
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const fitted = await fitEpoch(model, xs, ys, permutation(train.n, rng), opts.batchSize, opts.classWeights === 'none' ? undefined : classWeights);
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
    tf.dispose([...xs, ys, ...(val ? [...val.xs, val.ys] : []), ...(best ? best.weights : [])]);
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
      const y = model.predict(xs.length === 1 ? xs[0]! : xs);
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
  const n = to - from;
  const out: InputArrays = { n };
  if (x.daily) {
    const w = x.daily.lookback * x.daily.features;
    out.daily = { ...x.daily, data: x.daily.data.subarray(from * w, to * w) };
  }
  if (x.minute) {
    const w = x.minute.bars * x.minute.features;
    out.minute = { ...x.minute, data: x.minute.data.subarray(from * w, to * w) };
  }
  return out;
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

async function fitEpoch(
  model: tf.LayersModel,
  xs: tf.Tensor[],
  ys: tf.Tensor,
  order: Int32Array,
  batchSize: number,
  classWeights: number[] | undefined,
): Promise<{ loss: number; acc: number }> {
  // One fit call per batch on rows gathered for it: fit over the whole permuted epoch would slice
  // its tensors per batch, and on the wasm backend a slice costs time in proportion to the whole
  // input (see predictProba). Same batches in the same order, so the same updates.
  let loss = 0;
  let acc = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.subarray(start, Math.min(order.length, start + batchSize));
    const index = tf.tensor1d(rows, 'int32');
    const xb = xs.map((x) => tf.gather(x, index));
    const yb = tf.gather(ys, index);
    try {
      const h = await model.fit(xb.length === 1 ? xb[0]! : xb, yb, {
        epochs: 1,
        batchSize: rows.length,
        shuffle: false,
        verbose: 0,
        yieldEvery: 'never',
        ...(classWeights ? { classWeight: { ...classWeights } } : {}),
      });
      loss += lastNumber(h.history['loss']) * rows.length;
      acc += lastNumber(h.history['acc'] ?? h.history['accuracy']) * rows.length;
    } finally {
      tf.dispose([index, ...xb, yb]);
    }
  }
  return { loss: loss / order.length, acc: acc / order.length };
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

function lastNumber(values: (number | tf.Tensor)[] | undefined): number {
  const v = values?.[values.length - 1];
  if (v === undefined) return Number.NaN;
  return typeof v === 'number' ? v : v.dataSync()[0]!;
}

/** One tensor per model input, in the model's input order, matched by input name. */
function inputTensors(model: tf.LayersModel, x: InputArrays): tf.Tensor[] {
  return model.inputNames.map((name) => {
    if (name === 'daily' && x.daily) return tf.tensor3d(x.daily.data, [x.n, x.daily.lookback, x.daily.features]);
    if (name === 'minute' && x.minute) return tf.tensor3d(x.minute.data, [x.n, x.minute.bars, x.minute.features]);
    throw new ModelError('bad_input', `model input "${name}" has no data`);
  });
}

function targetTensor(y: Int32Array, classes: number): tf.Tensor {
  if (classes === 2) return tf.tensor2d(Float32Array.from(y), [y.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat());
}

function checkOptions(opts: TrainOptions): void {
  const bad = (field: string, rule: string, v: unknown) => new ModelError('bad_config', `training option ${field} ${rule} (got ${String(v)})`, { field });
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw bad('epochs', 'must be an integer >= 1', opts.epochs);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw bad('batchSize', 'must be an integer >= 1', opts.batchSize);
  if (!(opts.learningRate > 0) || !Number.isFinite(opts.learningRate)) throw bad('learningRate', 'must be a positive number', opts.learningRate);
  if (!Number.isInteger(opts.patience) || opts.patience < 0) throw bad('patience', 'must be an integer >= 0', opts.patience);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw bad('seed', 'must be a non-negative integer', opts.seed);
  if (opts.classWeights !== 'balanced' && opts.classWeights !== 'none') throw bad('classWeights', 'must be "balanced" or "none"', opts.classWeights);
}

/** Sizes agree with n and with the model's inputs, and every value is finite. */
function checkArrays(model: tf.LayersModel, x: InputArrays, what: string): void {
  if (!Number.isInteger(x.n) || x.n < 1) throw new ModelError('bad_input', `${what} set is empty (n = ${x.n})`);
  model.inputNames.forEach((inputName, i) => {
    // inputNames are the input layers' names; the symbolic tensors' own names may carry suffixes.
    const name = inputName as ChannelName;
    const arr = name === 'daily' ? x.daily && { ...x.daily, steps: x.daily.lookback } : name === 'minute' ? x.minute && { ...x.minute, steps: x.minute.bars } : undefined;
    if (!arr) throw new ModelError('bad_input', `${what} set has no "${inputName}" input, which the model needs`);
    const [, steps, features] = model.inputs[i]?.shape ?? [];
    if (arr.steps !== steps || arr.features !== features) {
      throw new ModelError('bad_input', `${what} ${name} input is ${arr.steps}x${arr.features} per sample but the model expects ${steps}x${features}`);
    }
    if (arr.data.length !== x.n * arr.steps * arr.features) {
      throw new ModelError('bad_input', `${what} ${name} input holds ${arr.data.length} values, expected n*${arr.steps}*${arr.features} = ${x.n * arr.steps * arr.features}`);
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
    throw new ModelError('bad_input', `${label} input has ${v} at sample ${sample} (step ${step}, feature ${i % features})`, { sample, step, feature: i % features });
  }
}

function checkLabels(x: TrainArrays, classes: number, what: string): void {
  if (x.y.length !== x.n) throw new ModelError('bad_input', `${what} labels hold ${x.y.length} values for n = ${x.n} samples`);
  for (let i = 0; i < x.y.length; i++) {
    const c = x.y[i]!;
    if (c < 0 || c >= classes) {
      throw new ModelError('bad_input', `${what} label ${c} at sample ${i} is outside 0..${classes - 1}`, { sample: i });
    }
  }
}
