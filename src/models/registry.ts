// Maps a model kind to its builder and the channels it reads, so callers (training, the CLI,
// experiments) build any kind the same way through buildModel() (build.ts) and new kinds plug
// in with registerModelKind() without touching them. The built-in kinds (dual, daily, minute,
// logit) register themselves when build.ts loads; this module has no dependency on it so the
// import graph stays one-way (build -> registry).

import type * as tf from '@tensorflow/tfjs';
import { BftError } from '../errors.js';
import type { ModelSpec } from './presets.js';

export type ChannelName = 'daily' | 'minute';

/** Per-sample input sizes; a kind reads only the ones of its channels. */
export interface InputShapes {
  lookback: number;
  dailyFeatures: number;
  bars: number;
  minuteFeatures: number;
}

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

/** Checks the shapes a kind reads are positive integers. Throws BftError('bad_config'). */
export function checkShapes(inputs: readonly ChannelName[], shapes: InputShapes): void {
  const needed: (keyof InputShapes)[] = [];
  if (inputs.includes('daily')) needed.push('lookback', 'dailyFeatures');
  if (inputs.includes('minute')) needed.push('bars', 'minuteFeatures');
  for (const key of needed) {
    const v = shapes[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new BftError('bad_config', `input shape ${key} must be a positive integer (got ${String(v)})`, { field: key });
    }
  }
}

