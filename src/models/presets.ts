// Model specifications: what to build, independent of the data's shapes. A spec names a kind
// (a builder in the registry), the recurrent cell and its size, dropout, the dense head and the
// number of classes. Named presets give the usual starting points; overrides adjust them and are
// validated here so a bad value fails before any tensor is made.

import { z } from 'zod';
import { BftError } from '../errors.js';

/** Kinds built in; the registry accepts more (see registerModelKind). */
export type BuiltinKind = 'dual' | 'daily' | 'minute' | 'logit';
// `string & {}` keeps editor completion for the built-in names while allowing registered ones.
export type ModelKind = BuiltinKind | (string & {});
export type CellType = 'lstm' | 'gru';
export type ClassCount = 2 | 3;

export const ModelSpecSchema = z
  .object({
    kind: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case kind name such as "dual"'),
    cell: z.enum(['lstm', 'gru']),
    units: z.number().int().min(1).max(1024),
    layers: z.number().int().min(1).max(8),
    dropout: z.number().min(0).lt(1),
    recurrentDropout: z.number().min(0).lt(1),
    head: z.array(z.number().int().min(1).max(4096)).max(8),
    classes: z.union([z.literal(2), z.literal(3)]),
    rnn: z.enum(['fused', 'stock']),
    pool: z.enum(['last', 'mean', 'attention', 'blocks', 'blocks-inputs']).default('last'),
  })
  .strict();

export interface ModelSpec {
  kind: ModelKind;
  cell: CellType;
  /** Hidden units of every recurrent layer. */
  units: number;
  /** Stacked recurrent layers per channel. */
  layers: number;
  /** Input dropout inside each recurrent cell. */
  dropout: number;
  recurrentDropout: number;
  /** Dense (relu) layer sizes between the channels and the output. */
  head: number[];
  /** 2: sigmoid P(up); 3: softmax over down / neutral / up. */
  classes: ClassCount;
  /**
   * Recurrent layers: 'fused' (one op per sequence over bft's kernel, src/models/rnn) or tfjs's
   * 'stock' ones; same maths and weights. Training picks fused on wasm/cpu and stock on a native
   * (GPU) backend unless the config says.
   */
  rnn: RnnImpl;
  /**
   * How the minute channel's steps become its summary (the daily channel is always read at its
   * last step): 'last', the last step's output; 'mean', the mean of every step's output;
   * 'attention', a softmax-weighted mean scored from each step's output; 'blocks', the last step
   * beside every step's output averaged over blocks of the session, so that a model reads the
   * opening bars of a day as easily as the closing ones; 'blocks-inputs', 'blocks' and beside it
   * every input feature averaged over the same blocks (build.ts). A saved spec without it reads
   * 'last'.
   */
  pool: PoolKind;
}

export type RnnImpl = 'fused' | 'stock';
export type PoolKind = 'last' | 'mean' | 'attention' | 'blocks' | 'blocks-inputs';

export type ModelSpecOverrides = Partial<ModelSpec>;

// Compile-time check that the schema and the interface agree.
type SchemaOut = z.output<typeof ModelSpecSchema>;
const _schemaMatches: [SchemaOut extends ModelSpec ? true : false, ModelSpec extends SchemaOut ? true : false] = [true, true];
void _schemaMatches;

const RNN_DEFAULTS = { units: 32, layers: 1, dropout: 0.1, recurrentDropout: 0, classes: 2, rnn: 'fused', pool: 'last' } as const;

const PRESETS: Readonly<Record<string, ModelSpec>> = {
  // The minute channel is read in blocks of the session beside its last step: on the synthetic
  // suite of planted designs that finds an edge wherever in the day it sits (docs/model-quality.md).
  'dual-lstm': { kind: 'dual', cell: 'lstm', ...RNN_DEFAULTS, head: [32], pool: 'blocks' },
  'dual-gru': { kind: 'dual', cell: 'gru', ...RNN_DEFAULTS, head: [32], pool: 'blocks' },
  'daily-lstm': { kind: 'daily', cell: 'lstm', ...RNN_DEFAULTS, head: [16] },
  'daily-gru': { kind: 'daily', cell: 'gru', ...RNN_DEFAULTS, head: [16] },
  'minute-lstm': { kind: 'minute', cell: 'lstm', ...RNN_DEFAULTS, head: [16], pool: 'blocks' },
  'minute-gru': { kind: 'minute', cell: 'gru', ...RNN_DEFAULTS, head: [16], pool: 'blocks' },
  // Logistic regression on the last day's features: cell/units/layers are unused.
  logit: { kind: 'logit', cell: 'lstm', units: 1, layers: 1, dropout: 0, recurrentDropout: 0, head: [], classes: 2, rnn: 'stock', pool: 'last' },
};

export function listPresets(): string[] {
  return Object.keys(PRESETS);
}

/** The preset `name` with `overrides` applied, validated. Throws BftError('bad_config'). */
export function resolvePreset(name: string, overrides: ModelSpecOverrides = {}): ModelSpec {
  const base = PRESETS[name];
  if (base === undefined) {
    throw new BftError('bad_config', `unknown model preset "${name}" (known: ${listPresets().join(', ')})`, { preset: name });
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return validateSpec({ ...base, head: [...base.head], ...defined }, `preset "${name}"`);
}

/** Validates a spec from anywhere (a saved artifact, a config file). Throws BftError('bad_config'). */
export function validateSpec(value: unknown, where = 'model spec'): ModelSpec {
  const parsed = ModelSpecSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(spec)';
  const got = issue ? describeValue(pathGet(value, issue.path)) : '';
  throw new BftError('bad_config', `bad ${where}: ${field}: ${issue?.message ?? 'invalid'}${got}`, { field });
}

function pathGet(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  return v === undefined ? '' : ` (got ${JSON.stringify(v)})`;
}
