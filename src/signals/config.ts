// The desk's production config (signals/*.json): per product, the experiment whose model makes its
// signal, the training window and when to retrain; the risk budget the positions are sized for.
// Validated like an experiment: one line naming the field, exit 2.

import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { timingConfigOf } from '../dataset/config.js';
import { BftError } from '../errors.js';
import { readConfigJson, readExperiment, type ResolvedExperiment } from '../eval/run/experiment.js';
import { PRODUCTS, type Product } from '../market/specs.js';

export const RETRAIN_EVERY = ['day', 'week', 'month', 'quarter', 'never'] as const;
export type RetrainEvery = (typeof RETRAIN_EVERY)[number];

const productSchema = z
  .object({
    /** Experiment config (a path relative to this file): its dataset, `model` and `train` make the model. */
    experiment: z.string().min(1),
    /** Which of the experiment's `models` (its label or preset) makes the signal; default its first, else its `model`. */
    model: z.string().min(1).optional(),
    /** Training samples: the last N trading days before the evening (default: the experiment's train.from onwards). */
    trainDays: z.number().int().min(100).optional(),
    retrain: z
      .object({
        /** A new model for each new day, week, month or quarter of evenings; never: only when there is none. */
        every: z.enum(RETRAIN_EVERY).default('month'),
        /** Also retrain when the model's last training sample is more than N trading days before the evening. */
        maxAgeDays: z.number().int().min(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const deskConfigSchema = z
  .object({
    /** Folder of the desk's models (relative to this file); each experiment's models go in <models>/<experiment name>/. */
    models: z.string().min(1).default('../models'),
    risk: z
      .object({
        /** CNY of daily risk per product: one day's typical P&L of the suggested position. */
        budgetCny: z.number().positive().default(100_000),
        /** Recent daily moves the risk of one contract is measured over. */
        volDays: z.number().int().min(5).max(250).default(20),
      })
      .strict()
      .prefault({}),
    products: z.partialRecord(z.enum(PRODUCTS), productSchema).refine((p) => Object.keys(p).length > 0, 'name at least one product (TS, TF, T or TL)'),
  })
  .strict();

export type DeskConfigInput = z.input<typeof deskConfigSchema>;

export interface DeskProduct {
  readonly product: Product;
  readonly experiment: ResolvedExperiment;
  readonly experimentPath: string;
  readonly trainDays: number | undefined;
  readonly retrain: { readonly every: RetrainEvery; readonly maxAgeDays: number | undefined };
}

export interface DeskConfig {
  readonly path: string;
  readonly name: string;
  readonly modelsDir: string;
  readonly budgetCny: number;
  readonly volDays: number;
  readonly products: readonly DeskProduct[];
}

/** Reads and validates a desk config; experiments are read relative to it and must time their product. */
export function readDeskConfig(path: string): DeskConfig {
  return resolveDeskConfig(readConfigJson(path), path);
}

/** Validates a parsed desk config; `path` names it in errors and anchors its relative paths. */
export function resolveDeskConfig(raw: unknown, path: string): DeskConfig {
  const r = deskConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new BftError('bad_config', `${path}: ${field}: ${issue.message}`, { file: path });
  }
  const base = dirname(resolve(path));
  const products: DeskProduct[] = [];
  for (const product of PRODUCTS) {
    const p = r.data.products[product];
    if (p === undefined) continue;
    const experimentPath = resolve(base, p.experiment);
    const read = readExperiment(experimentPath);
    if (timingConfigOf(read.dataset, `${path}: products.${product}.experiment`).product !== product) {
      throw new BftError('bad_config', `${path}: products.${product}.experiment: ${p.experiment} times ${String(read.dataset['product'])}, not ${product}`, { file: path });
    }
    const candidates = read.models ?? [read.model];
    const label = (m: (typeof candidates)[number]): string => String(m.label ?? m.preset);
    const chosen = p.model === undefined ? candidates[0]! : candidates.find((m) => label(m) === p.model);
    if (chosen === undefined) {
      throw new BftError('bad_config', `${path}: products.${product}.model: ${p.model} is not a model of ${p.experiment} (it has ${candidates.map(label).join(', ')})`, { file: path });
    }
    // The chosen model is the one `bft train` makes from this experiment.
    const experiment: ResolvedExperiment = { ...read, model: chosen };
    products.push({ product, experiment, experimentPath, trainDays: p.trainDays, retrain: { every: p.retrain.every, maxAgeDays: p.retrain.maxAgeDays } });
  }
  return { path: resolve(path), name: basename(path).replace(/\.json$/i, ''), modelsDir: resolve(base, r.data.models), budgetCny: r.data.risk.budgetCny, volDays: r.data.risk.volDays, products };
}
