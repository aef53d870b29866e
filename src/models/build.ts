// buildModel() and the builders of the built-in model kinds (registered with the registry at the
// bottom of this file), with the functional tfjs layers API. Inputs are named
// after their channel ('daily' [lookback x dailyFeatures], 'minute' [bars x minuteFeatures]) so
// training and prediction feed them by name. Every initializer is seeded from the model seed
// through a per-layer label, so the same seed gives the same initial weights on any backend
// that implements tfjs's seeded random ops, and changing one layer does not reseed the others.
//
// Dropout inside the recurrent cells is NOT seeded here: tfjs draws those masks with an
// unseeded tf.dropout. trainModel() attaches a seeded mask generator before fitting (see
// attachSeededDropout in train.ts); fitting a built model by other means uses tfjs's own.

import * as tf from '@tensorflow/tfjs';
import { BftError } from '../errors.js';
import { quietly } from './quiet.js';
import { validateSpec, type ModelSpec } from './presets.js';
import { BUILTIN_CHANNELS, checkShapes, getModelKind, registerModelKind, type ChannelName, type InputShapes } from './registry.js';
import { fusedGru, fusedLstm } from './rnn/index.js';
import { deriveSeed } from './seed.js';

export type { ChannelArray, ChannelName, ChannelShape, InputShapes } from './registry.js';

type Sym = tf.SymbolicTensor;

/**
 * A fresh model of `spec.kind` with every initializer seeded from `seed`. Validates the spec,
 * the shapes its channels need and the seed; throws BftError('bad_config').
 */
export function buildModel(spec: ModelSpec, shapes: InputShapes, seed: number): tf.LayersModel {
  const valid = validateSpec(spec);
  const def = getModelKind(valid.kind);
  checkShapes(def.inputs, shapes);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new BftError('bad_config', `seed must be a non-negative integer (got ${String(seed)})`);
  }
  return def.build(valid, shapes, seed);
}

/** The named input of one channel. */
export function channelInput(channel: ChannelName, shapes: InputShapes): Sym {
  const s = shapes[channel]!;
  return tf.input({ name: channel, shape: [s.steps, s.features], dtype: 'float32' });
}

/**
 * Stacked LSTM/GRU layers, then the channel's summary: all but the last layer return sequences
 * so the next layer sees every step; the last one too when the minute channel is pooled
 * (spec.pool). The daily channel is always read at its last step: its 20 days end at t.
 */
export function recurrentStack(x: Sym, channel: ChannelName, spec: ModelSpec, seed: number): Sym {
  const pool = channel === 'minute' ? spec.pool : 'last';
  let out = x;
  for (let i = 0; i < spec.layers; i++) {
    const name = `${channel}_${spec.cell}_${i + 1}`;
    const args = {
      name,
      units: spec.units,
      returnSequences: i < spec.layers - 1 || pool !== 'last',
      dropout: spec.dropout,
      recurrentDropout: spec.recurrentDropout,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, `${name}/kernel`) }),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: deriveSeed(seed, `${name}/recurrent`) }),
      biasInitializer: tf.initializers.zeros(),
    };
    const fused = spec.rnn === 'fused';
    const layer =
      spec.cell === 'lstm'
        ? (fused ? fusedLstm : tf.layers.lstm)({ ...args, unitForgetBias: true })
        : (fused ? fusedGru : tf.layers.gru)(args);
    out = layer.apply(out) as Sym;
  }
  if (pool === 'last') return out;
  if (pool !== 'blocks-inputs') return poolSteps(out, channel, pool, seed);
  const summary = [poolSteps(out, channel, 'blocks', seed), inputBlocks(x, channel)];
  return tf.layers.concatenate({ name: `${channel}_blocks_inputs` }).apply(summary) as Sym;
}

/**
 * Every input feature of a channel [batch, steps, features] averaged over the same blocks as pool
 * 'blocks', flattened: a linear path from, say, the opening half hour's signed volume to the head
 * that does not depend on the recurrent net carrying it (pool 'blocks-inputs').
 */
function inputBlocks(x: Sym, channel: ChannelName): Sym {
  const [, t] = x.shape as [null, number, number];
  const size = Math.ceil(t / POOL_BLOCKS);
  const averaged = tf.layers.averagePooling1d({ name: `${channel}_input_blocks`, poolSize: size, strides: size, padding: 'same' }).apply(x) as Sym;
  return tf.layers.flatten({ name: `${channel}_input_blocks_flat` }).apply(averaged) as Sym;
}

/** Blocks the session is cut into by pool 'blocks' (about half an hour each on a CFFEX day). */
const POOL_BLOCKS = 8;
/** Features each step is projected to before its block is averaged (pool 'blocks'). */
const BLOCK_FEATURES = 2; // 2 and 4 were compared on the synthetic suite: docs/model-quality.md

/**
 * The summary of a channel's step outputs [batch, steps, units]. Built from standard layers only
 * (no custom classes), so a saved model loads anywhere.
 * - mean: the mean of every step's output;
 * - attention: a softmax-weighted mean, each step's weight scored from its output by one dense unit;
 * - blocks: the last step's output, beside each step's output projected to a few features and
 *   averaged over POOL_BLOCKS consecutive blocks of the session (a weight per block and feature in
 *   the head), so an edge that sits in the opening half hour is as close to the output as one in
 *   the last.
 */
function poolSteps(steps: Sym, channel: ChannelName, pool: Exclude<ModelSpec['pool'], 'last' | 'blocks-inputs'>, seed: number): Sym {
  const [, t, h] = steps.shape as [null, number, number];
  const init = (label: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, `${channel}_${label}/kernel`) });
  if (pool === 'mean') return tf.layers.globalAveragePooling1d({ name: `${channel}_mean` }).apply(steps) as Sym;
  if (pool === 'attention') {
    const score = tf.layers.dense({ name: `${channel}_attention_score`, units: 1, kernelInitializer: init('attention_score') }).apply(steps) as Sym;
    const flat = tf.layers.flatten({ name: `${channel}_attention_flat` }).apply(score) as Sym;
    const weights = tf.layers.softmax({ name: `${channel}_attention_weights` }).apply(flat) as Sym;
    return tf.layers.dot({ name: `${channel}_attention`, axes: 1 }).apply([weights, steps]) as Sym;
  }
  // The last step, by standard layers (tfjs has no cropping1D): as an image, cropped to its last row.
  const image = tf.layers.reshape({ name: `${channel}_steps_image`, targetShape: [t, h, 1] }).apply(steps);
  const lastRow = tf.layers.cropping2D({ name: `${channel}_last_step`, cropping: [[t - 1, 0], [0, 0]] }).apply(image);
  const last = tf.layers.flatten({ name: `${channel}_last` }).apply(lastRow) as Sym;
  const size = Math.ceil(t / POOL_BLOCKS);
  const projected = tf.layers.dense({ name: `${channel}_block_proj`, units: BLOCK_FEATURES, kernelInitializer: init('block_proj') }).apply(steps) as Sym;
  const averaged = tf.layers.averagePooling1d({ name: `${channel}_blocks`, poolSize: size, strides: size, padding: 'same' }).apply(projected) as Sym;
  const blocks = tf.layers.flatten({ name: `${channel}_blocks_flat` }).apply(averaged) as Sym;
  return tf.layers.concatenate({ name: `${channel}_last_blocks` }).apply([last, blocks]) as Sym;
}

/** Dense relu layers, then the output: 1 sigmoid unit (binary) or a softmax over the classes. */
export function denseHead(x: Sym, spec: ModelSpec, seed: number): Sym {
  let out = x;
  spec.head.forEach((units, i) => {
    const name = `head_dense_${i + 1}`;
    const kernelInitializer = tf.initializers.glorotUniform({ seed: deriveSeed(seed, `${name}/kernel`) });
    out = tf.layers.dense({ name, units, activation: 'relu', kernelInitializer }).apply(out) as Sym;
  });
  const binary = spec.classes === 2;
  return tf.layers
    .dense({
      name: 'output',
      units: binary ? 1 : spec.classes,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'output/kernel') }),
    })
    .apply(out) as Sym;
}

/** Both channels, concatenated, then the head. */
export function buildDual(spec: ModelSpec, shapes: InputShapes, seed: number): tf.LayersModel {
  return quietly(() => {
    const daily = channelInput('daily', shapes);
    const minute = channelInput('minute', shapes);
    const joined = tf.layers
      .concatenate({ name: 'channels' })
      .apply([recurrentStack(daily, 'daily', spec, seed), recurrentStack(minute, 'minute', spec, seed)]) as Sym;
    return tf.model({ name: modelName(spec), inputs: [daily, minute], outputs: denseHead(joined, spec, seed) });
  });
}

/** One channel alone (the ablations of the dual model). */
export function buildSingle(channel: ChannelName) {
  return (spec: ModelSpec, shapes: InputShapes, seed: number): tf.LayersModel =>
    quietly(() => {
      const input = channelInput(channel, shapes);
      const features = recurrentStack(input, channel, spec, seed);
      return tf.model({ name: modelName(spec), inputs: input, outputs: denseHead(features, spec, seed) });
    });
}

/**
 * Logistic regression on the last day of the daily window, X_daily[:, lookback-1, :]. Standard
 * layers only (reshape, cropping2D, flatten) so the saved artifact loads anywhere without
 * custom classes; `head` is honoured if given, though the logit preset has none.
 */
export function buildLogit(spec: ModelSpec, shapes: InputShapes, seed: number): tf.LayersModel {
  return quietly(() => {
    const daily = channelInput('daily', shapes);
    const { steps, features } = shapes['daily']!;
    const asImage = tf.layers.reshape({ name: 'as_image', targetShape: [steps, features, 1] }).apply(daily);
    const cropping: [[number, number], [number, number]] = [[steps - 1, 0], [0, 0]];
    const lastDay = tf.layers.cropping2D({ name: 'last_day', cropping }).apply(asImage);
    const flat = tf.layers.flatten({ name: 'last_day_flat' }).apply(lastDay) as Sym;
    return tf.model({ name: modelName(spec), inputs: daily, outputs: denseHead(flat, spec, seed) });
  });
}

function modelName(spec: ModelSpec): string {
  return spec.kind === 'logit' ? 'logit' : `${spec.kind}_${spec.cell}`;
}

registerModelKind('dual', { inputs: BUILTIN_CHANNELS.dual, build: buildDual });
registerModelKind('daily', { inputs: BUILTIN_CHANNELS.daily, build: buildSingle('daily') });
registerModelKind('minute', { inputs: BUILTIN_CHANNELS.minute, build: buildSingle('minute') });
registerModelKind('logit', { inputs: BUILTIN_CHANNELS.logit, build: buildLogit });
