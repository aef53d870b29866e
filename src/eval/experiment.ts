// An experiment config (experiments/<name>.json): which data, which model, how to train. Parsed
// once into a fully defaulted object that is saved with every model it produces.

import { readFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { datasetConfigSchema } from '../dataset/config.js';
import { BftError } from '../errors.js';
import { isoDateProblem } from '../market/calendar.js';
import { ModelSpecSchema, resolvePreset, type ModelSpecOverrides } from '../models/presets.js';
import { checkFoldPlanConfig, type FoldPlanConfig } from './folds.js';
import { overfitConfigSchema } from './overfit/config.js';

// Dates are judged by the one check every command uses (an impossible 2020-02-30 included).
const isoDate = z.string().superRefine((s, ctx) => {
  const problem = isoDateProblem(s);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Longest experiment or model name: it becomes a folder name. */
export const NAME_MAX = 64;

/** What an experiment or model name, a run or model id must be: it names a folder of its own. */
export const FOLDER_NAME_RULE = `one folder name of letters, digits, dot, dash or underscore, not starting with a dot, at most ${NAME_MAX} characters`;

/** One path segment, so never `.`, `..` or a hidden folder (see FOLDER_NAME_RULE). */
export function isFolderName(name: string): boolean {
  return name.length > 0 && name.length <= NAME_MAX && !name.startsWith('.') && /^[A-Za-z0-9._-]+$/.test(name);
}

const folderName = z.string().superRefine((s, ctx) => {
  if (!isFolderName(s)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not ${FOLDER_NAME_RULE}` });
});

/**
 * root/segments resolved, or null when that leaves root or is root itself. Names are checked
 * where they are read; output paths check again here, whatever built them.
 */
export function pathInside(root: string, ...segments: string[]): string | null {
  const base = resolve(root);
  const path = resolve(base, ...segments);
  const rel = relative(base, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? path : null;
}

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

/** Walk-forward evaluation (src/eval/folds.ts): windows in samples (trading days with a sample). */
export const walkForwardSchema = z
  .object({
    /** expanding / rolling windows, or cpcv: combinatorial purged cross-validation over every labelled sample. */
    scheme: z.enum(['expanding', 'rolling', 'cpcv']).default('expanding'),
    /** Training samples before the first test (validation tail included); rolling: every fold's. */
    trainDays: z.number().int().positive().default(750),
    validationDays: z.number().int().min(0).default(120),
    testDays: z.number().int().positive().default(63),
    /** Default: testDays (back-to-back test windows). */
    stepDays: z.number().int().positive().optional(),
    purgeDays: z.number().int().min(0).default(1),
    embargoDays: z.number().int().min(0).default(0),
    firstTest: isoDate.optional(),
    lastTest: isoDate.optional(),
    maxFolds: z.number().int().positive().optional(),
    /** cpcv: groups N the labelled samples are cut into (default 6). */
    groups: z.number().int().min(2).max(30).optional(),
    /** cpcv: groups k tested per fold (default 2): C(N, k) folds, C(N, k) k / N paths. */
    testGroups: z.number().int().min(1).optional(),
    /** Models trained per fold and model with different seeds; their probabilities are averaged. */
    seeds: z.number().int().min(1).max(32).default(1),
    /** Data range read (ISO, inclusive); default everything in the store. */
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

/** How a probability becomes a position and what trading costs (src/eval/pnl.ts). */
export const strategySchema = z
  .object({
    rule: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('threshold'), long: z.number().min(0).max(1).default(0.5), short: z.number().min(0).max(1).default(0.5) }).strict(),
        z.object({ kind: z.literal('confidence'), scale: z.number().positive().default(1) }).strict(),
      ])
      .default({ kind: 'threshold', long: 0.5, short: 0.5 }),
    /** Per contract per side. CFFEX charges about 3 CNY a contract (0.06 of a 50 CNY tick). */
    commissionTicks: z.number().min(0).default(0.06),
    /** Per contract per side: half of a one-tick spread. */
    slippageTicks: z.number().min(0).default(0.5),
    /** The deep signal's weight in the factor-timing combination (the rest split over the traditional factors). */
    factorWeight: z.number().min(0).max(1).default(0.3),
    /** Trading days a year, for annualising (CFFEX has about 242-244). */
    periodsPerYear: z.number().positive().default(243),
  })
  .strict();

const modelEntrySchema = z
  .object({
    preset: z.string(),
    /** Label in tables and the predictions table; default the preset name. */
    label: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore').optional(),
  })
  .catchall(z.unknown());

export const experimentSchema = z
  .object({
    /** Names the model folder models/<name>/ and experiments/<name>/; defaults to the config file's name. */
    name: folderName.optional(),
    seed: z.number().int().min(0).default(42),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    dataset: datasetConfigSchema.prefault({}),
    model: z
      .object({ preset: z.string().default('dual-lstm') })
      .catchall(z.unknown())
      .default({ preset: 'dual-lstm' }),
    train: trainConfigSchema.prefault({}),
    /** The models a walk-forward compares (default: [model]). */
    models: z.array(modelEntrySchema).min(1).optional(),
    walkForward: walkForwardSchema.prefault({}),
    strategy: strategySchema.prefault({}),
    /** bft overfit-check: probes and verdict thresholds (src/eval/overfit/config.ts). */
    overfit: overfitConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((x, ctx) => {
    const wf = x.walkForward;
    try {
      checkFoldPlanConfig(foldPlanConfig(wf));
    } catch (e) {
      if (!(e instanceof BftError && e.code === 'bad_config')) throw e;
      ctx.addIssue({ code: 'custom', path: ['walkForward', String(e.context['field'] ?? '')], message: e.message });
    }
    if (wf.from !== undefined && wf.to !== undefined && wf.from > wf.to) ctx.addIssue({ code: 'custom', path: ['walkForward', 'from'], message: `from ${wf.from} is after to ${wf.to}` });
    if (x.overfit.pboBlocks % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['overfit', 'pboBlocks'], message: `pboBlocks must be even, got ${x.overfit.pboBlocks}` });
    const s = x.strategy.rule;
    if (s.kind === 'threshold' && s.short > s.long) ctx.addIssue({ code: 'custom', path: ['strategy', 'rule', 'short'], message: `short ${s.short} is above long ${s.long}` });
    // Presets and their overrides are checked here, as the fold jobs and `bft train` resolve
    // them, so a plan (which trains nothing) refuses the same configs a run does.
    const classes = x.dataset.labels === 'three' ? 3 : 2;
    const entries: [(string | number)[], { preset: string } & Record<string, unknown>][] = [[['model'], x.model]];
    (x.models ?? []).forEach((m, i) => entries.push([['models', i], m]));
    const settings = Object.keys(ModelSpecSchema.shape);
    for (const [path, entry] of entries) {
      const { preset, label: _label, ...overrides } = entry;
      const unknown = Object.keys(overrides).find((k) => !settings.includes(k));
      if (unknown !== undefined) {
        ctx.addIssue({ code: 'custom', path: [...path, unknown], message: `not a model setting (settings: preset, label, ${settings.join(', ')})` });
        continue;
      }
      try {
        resolvePreset(preset, { ...(overrides as ModelSpecOverrides), classes });
      } catch (e) {
        if (!(e instanceof BftError)) throw e;
        const field = e.context['preset'] !== undefined ? 'preset' : String(e.context['field'] ?? '');
        ctx.addIssue({ code: 'custom', path: field === '' || field === '(spec)' ? path : [...path, ...field.split('.')], message: e.message });
      }
    }
    const labels = (x.models ?? []).map((m) => m.label ?? m.preset);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['models'], message: `model "${dup}" appears twice (give one a "label")` });
  });

/** CPCV defaults: 6 groups, 2 tested per fold (15 folds, 5 paths). */
export const CPCV_DEFAULTS = { groups: 6, testGroups: 2 } as const;

/** The fold plan config of a walkForward block (defaults applied). */
export function foldPlanConfig(w: z.output<typeof walkForwardSchema>): FoldPlanConfig {
  if (w.scheme === 'cpcv') {
    return { scheme: 'cpcv', groups: w.groups ?? CPCV_DEFAULTS.groups, testGroups: w.testGroups ?? CPCV_DEFAULTS.testGroups, validationDays: w.validationDays, purgeDays: w.purgeDays, embargoDays: w.embargoDays };
  }
  // The whole block, as runs recorded it before CPCV (their plans must still compare equal on resume).
  const { scheme } = w;
  return { ...w, scheme, stepDays: w.stepDays ?? w.testDays };
}

// Window settings mean nothing to CPCV (it tests every labelled sample; walkForward.from / to
// choose the range), and CPCV's to the window schemes: a config setting them is refused rather
// than silently ignored. A window setting at its default passes: a resolved config (as a run
// records it) carries the defaults.
const WINDOW_ONLY = ['trainDays', 'testDays', 'stepDays', 'firstTest', 'lastTest', 'maxFolds'] as const;
const CPCV_ONLY = ['groups', 'testGroups'] as const;
const WINDOW_DEFAULTS: Readonly<Record<string, unknown>> = walkForwardSchema.parse({});

function schemeMismatch(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const w = (raw as Record<string, unknown>)['walkForward'];
  if (w === null || typeof w !== 'object') return null;
  const block = w as Record<string, unknown>;
  const given = Object.keys(block).filter((k) => block[k] !== undefined);
  const scheme = block['scheme'] ?? 'expanding';
  if (scheme === 'cpcv') {
    const bad = WINDOW_ONLY.filter((k) => given.includes(k) && block[k] !== WINDOW_DEFAULTS[k]);
    if (bad.length > 0) return `walkForward.${bad[0]}: not used by scheme "cpcv" (it tests every labelled sample; choose the range with walkForward.from / to)`;
  } else if (scheme === 'expanding' || scheme === 'rolling') {
    const bad = CPCV_ONLY.filter((k) => given.includes(k));
    if (bad.length > 0) return `walkForward.${bad[0]}: only used by scheme "cpcv" (the scheme is "${String(scheme)}")`;
  }
  return null;
}

export type ExperimentConfig = z.input<typeof experimentSchema>;
export type ResolvedExperiment = z.output<typeof experimentSchema> & { name: string };

/** Parses a config object; `fallbackName` names it when the config does not. */
export function resolveExperiment(raw: unknown, fallbackName: string, where = 'config'): ResolvedExperiment {
  const mismatch = schemeMismatch(raw);
  if (mismatch !== null) throw new BftError('bad_config', `${where}: ${mismatch}`, { file: where });
  const r = experimentSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new BftError('bad_config', `${where}: ${path}: ${issue.message}`, { file: where });
  }
  const name = r.data.name ?? fallbackName;
  // The file's name stands in for a missing "name" and must make a folder as safely.
  if (!isFolderName(name)) throw new BftError('bad_config', `${where}: name: ${JSON.stringify(name)} (from the file name; the config has no "name") is not ${FOLDER_NAME_RULE}`, { file: where });
  return { ...r.data, name };
}

/** A config file's JSON; a missing or unparsable file is one line naming it (BftError 'bad_config'). */
export function readConfigJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new BftError('bad_config', `${path}: ${why}`, { file: path });
  }
}

/** Reads and resolves experiments/<name>.json (or any path). */
export function readExperiment(path: string): ResolvedExperiment {
  return resolveExperiment(readConfigJson(path), basename(path).replace(/\.json$/i, ''), path);
}
