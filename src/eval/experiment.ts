// An experiment config (experiments/<name>.json): which data, which model, how to train. Parsed
// once into a fully defaulted object that is saved with every model it produces.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { datasetConfigSchema } from '../dataset/config.js';
import { DatasetError } from '../dataset/errors.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const trainConfigSchema = z
  .object({
    /** Sample dates used for fitting (training plus its validation tail), inclusive. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** The last samples of the range, kept out of fitting for early stopping. */
    validationDays: z.number().int().min(0).default(120),
    /** Samples dropped between training and validation: the label looks one day ahead. */
    purgeDays: z.number().int().min(0).default(1),
    epochs: z.number().int().positive().default(30),
    batchSize: z.number().int().positive().default(64),
    learningRate: z.number().positive().default(1e-3),
    /** Epochs without a better validation loss before stopping (the best epoch is kept). */
    patience: z.number().int().min(0).default(5),
    classWeights: z.enum(['balanced', 'none']).default('balanced'),
  })
  .strict();

export const experimentSchema = z
  .object({
    /** Names the model folder models/<name>/; defaults to the config file's name. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore').optional(),
    seed: z.number().int().min(0).default(42),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    dataset: datasetConfigSchema.prefault({}),
    model: z
      .object({ preset: z.string().default('dual-lstm') })
      .catchall(z.unknown())
      .default({ preset: 'dual-lstm' }),
    train: trainConfigSchema.prefault({}),
  })
  .strict();

export type ExperimentConfig = z.input<typeof experimentSchema>;
export type ResolvedExperiment = z.output<typeof experimentSchema> & { name: string };

/** Parses a config object; `fallbackName` names it when the config does not. */
export function resolveExperiment(raw: unknown, fallbackName: string, where = 'config'): ResolvedExperiment {
  const r = experimentSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new DatasetError('bad_config', `${where}: ${path}: ${issue.message}`, { file: where });
  }
  return { ...r.data, name: r.data.name ?? fallbackName };
}

/** Reads and resolves experiments/<name>.json (or any path). */
export function readExperiment(path: string): ResolvedExperiment {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new DatasetError('bad_config', `${path}: ${why}`, { file: path });
  }
  return resolveExperiment(raw, basename(path).replace(/\.json$/i, ''), path);
}
