// Maps a model kind to its builder and the channels it reads, so callers (training, the CLI,
// experiments) build any kind the same way through buildModel() (build.ts) and new kinds plug
// in with registerModelKind() without touching them. The built-in kinds (dual, daily, minute,
// logit) register themselves when build.ts loads; this module has no dependency on it so the
// import graph stays one-way (build -> registry).

import type * as tf from '@tensorflow/tfjs';
import { BftError } from '../errors.js';
import type { ModelSpec } from './presets.js';

/**
 * A model input's name. Dataset kinds name their channels (src/eval/run/kind.ts); the built-in model
 * kinds read channels named 'daily' and 'minute', so a kind offering those names can use them.
 */
export type ChannelName = string;

/** Per-sample size of one channel: a sequence of `steps` rows of `features` values. */
export interface ChannelShape {
  readonly steps: number;
  readonly features: number;
}

/** One channel's inputs for n samples, row-major [n x steps x features]. */
export interface ChannelArray extends ChannelShape {
  readonly data: Float32Array;
}

/** Per-sample input sizes by channel; a model kind reads only its own channels. */
export type InputShapes = Readonly<Record<ChannelName, ChannelShape>>;

export interface ModelKindDef {
  /** Channels the model reads, in the order of its inputs. */
  inputs: readonly ChannelName[];
  build(spec: ModelSpec, shapes: InputShapes, seed: number): tf.LayersModel;
}

/** The channels each built-in kind reads (build.ts registers them with these). */
export const BUILTIN_CHANNELS: Readonly<Record<'dual' | 'daily' | 'minute' | 'logit', readonly ChannelName[]>> = {
  dual: ['daily', 'minute'],
  daily: ['daily'],
  minute: ['minute'],
  logit: ['daily'],
};

const kinds = new Map<string, ModelKindDef>();

/** Adds a kind. Re-registering a name is refused unless `replace` is set (tests, hot swaps). */
export function registerModelKind(kind: string, def: ModelKindDef, opts: { replace?: boolean } = {}): void {
  if (kinds.has(kind) && !opts.replace) {
    throw new BftError('bad_config', `model kind "${kind}" is already registered`, { kind });
  }
  if (def.inputs.length === 0) throw new BftError('bad_config', `model kind "${kind}" reads no input`, { kind });
  kinds.set(kind, def);
}

export function getModelKind(kind: string): ModelKindDef {
  const def = kinds.get(kind);
  if (def === undefined) {
    throw new BftError('bad_config', `unknown model kind "${kind}" (known: ${listModelKinds().join(', ')})`, { kind });
  }
  return def;
}

/**
 * The channels a kind reads, without building it (and without loading tfjs for a built-in kind):
 * a dataset of daily-only models needs no intraday bars.
 */
export function channelsOf(kind: string): readonly ChannelName[] {
  return kinds.get(kind)?.inputs ?? BUILTIN_CHANNELS[kind as keyof typeof BUILTIN_CHANNELS] ?? getModelKind(kind).inputs;
}

export function listModelKinds(): string[] {
  return [...kinds.keys()];
}

/** Checks every channel a kind reads is offered, with positive integer sizes. Throws BftError('bad_config'). */
export function checkShapes(inputs: readonly ChannelName[], shapes: InputShapes): void {
  for (const channel of inputs) {
    const shape = shapes[channel];
    if (shape === undefined) {
      throw new BftError('bad_config', `the model reads a "${channel}" channel, which the dataset does not have (it has: ${Object.keys(shapes).join(', ') || 'none'})`, { field: channel });
    }
    for (const key of ['steps', 'features'] as const) {
      const v = shape[key];
      if (!Number.isInteger(v) || v < 1) {
        throw new BftError('bad_config', `input shape ${channel}.${key} must be a positive integer (got ${String(v)})`, { field: `${channel}.${key}` });
      }
    }
  }
}

