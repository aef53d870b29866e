// An experiment config (experiments/<name>.json): which data, which model, how to train. Parsed
// once into a fully defaulted object that is saved with every model it produces. The schema is
// the one check: the walk-forward block parses into the fold plan's own config (folds.ts), its
// data-free checks run inside it, model overrides are typed by the model spec's schema, and
// every problem of a config is reported at once with its path. `npm run schema` writes it as
// JSON Schema for editors (experiments/experiment.schema.json).

import { readFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { datasetBlockSchema } from './dataset-block.js';
import { BftError } from '../../errors.js';
import { isoDateProblem } from '../../market/calendar.js';
import { listPresets, ModelSpecSchema } from '../../models/presets.js';
import { foldPlanConfigIssues, type FoldPlanConfig } from '../plan/folds.js';
import { overfitConfigSchema } from './overfit-config.js';

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

// Walk-forward evaluation (src/eval/plan/folds.ts), windows in samples (trading days with a sample). One
// block per scheme, each strict: a setting of the other scheme is refused by its own field, with
// its path. The parsed block is the fold plan's config plus what a run needs besides (seeds, the
// data range).

/** Window defaults; `trainDays` and `testDays` also pass under cpcv at these values (see cpcvWalkForward). */
const TRAIN_DAYS = 750;
const TEST_DAYS = 63;

/** CPCV defaults: 6 groups, 2 tested per fold (15 folds, 5 paths). */
export const CPCV_DEFAULTS = { groups: 6, testGroups: 2 } as const;

const NOT_FOR_CPCV = 'not used by scheme "cpcv" (it tests every labelled sample; choose the range with walkForward.from / to)';
const onlyForCpcv = (scheme: string): string => `only used by scheme "cpcv" (the scheme is "${scheme}")`;

// Fields that exist only to refuse a setting with a message of their own; an unknown key's
// message does not list them as settings.
const REFUSED = new WeakSet<z.ZodType>();
function refused<T extends z.ZodType>(schema: T, message: string): z.ZodOptional<T> {
  const field = schema.optional().meta({ description: message });
  REFUSED.add(field);
  return field;
}
const never = (message: string): z.ZodOptional<z.ZodNever> => refused(z.never({ error: message }), message);

const gapFields = {
  /** The last samples of each fold's training set, held out for early stopping. */
  validationDays: z.number().int().min(0).default(120),
  /** Samples dropped at each boundary: at least the label horizon (1 day). */
  purgeDays: z.number().int().min(0).default(1),
  /** Further samples dropped for serially correlated features. */
  embargoDays: z.number().int().min(0).default(0),
};

const runFields = {
  /** Models trained per fold and model with different seeds; their probabilities are averaged. */
  seeds: z.number().int().min(1).max(32).default(1),
  /** Data range read (ISO, inclusive); default everything in the store. */
  from: isoDate.optional(),
  to: isoDate.optional(),
};

/** expanding / rolling windows: training strictly before each test window. */
function windowFields(scheme: 'expanding' | 'rolling') {
  return {
    /** Training samples before the first test (validation tail included); rolling: every fold's. */
    trainDays: z.number().int().positive().default(TRAIN_DAYS),
    validationDays: gapFields.validationDays,
    testDays: z.number().int().positive().default(TEST_DAYS),
    /** Default: testDays (back-to-back test windows). */
    stepDays: z.number().int().positive().optional(),
    purgeDays: gapFields.purgeDays,
    embargoDays: gapFields.embargoDays,
    firstTest: isoDate.optional(),
    lastTest: isoDate.optional(),
    maxFolds: z.number().int().positive().optional(),
    ...runFields,
    groups: never(onlyForCpcv(scheme)),
    testGroups: never(onlyForCpcv(scheme)),
  };
}

function withStep<W extends { testDays: number; stepDays?: number | undefined; groups?: undefined; testGroups?: undefined }>({ groups: _groups, testGroups: _testGroups, ...w }: W) {
  return { ...w, stepDays: w.stepDays ?? w.testDays };
}

const expandingWalkForward = z.strictObject({ scheme: z.literal('expanding').default('expanding'), ...windowFields('expanding') }).transform(withStep);
const rollingWalkForward = z.strictObject({ scheme: z.literal('rolling'), ...windowFields('rolling') }).transform(withStep);

/** cpcv: combinatorial purged cross-validation over every labelled sample of the data range. */
const cpcvWalkForward = z
  .strictObject({
    scheme: z.literal('cpcv'),
    /** N: contiguous groups the labelled samples are cut into. */
    groups: z.number().int().min(2).max(30).default(CPCV_DEFAULTS.groups),
    /** k: groups tested per fold: C(N, k) folds, C(N, k) k / N paths. */
    testGroups: z.number().int().min(1).default(CPCV_DEFAULTS.testGroups),
    ...gapFields,
    ...runFields,
    // A run's config.json recorded before the blocks were split by scheme carries the window
    // defaults: at those values they pass (and are dropped), so such a run still resolves.
    trainDays: refused(z.literal(TRAIN_DAYS, { error: NOT_FOR_CPCV }), NOT_FOR_CPCV),
    testDays: refused(z.literal(TEST_DAYS, { error: NOT_FOR_CPCV }), NOT_FOR_CPCV),
    stepDays: never(NOT_FOR_CPCV),
    firstTest: never(NOT_FOR_CPCV),
    lastTest: never(NOT_FOR_CPCV),
    maxFolds: never(NOT_FOR_CPCV),
  })
  .transform(({ trainDays: _t, testDays: _s, stepDays: _p, firstTest: _f, lastTest: _l, maxFolds: _m, ...w }) => w);

/** The walkForward block: `scheme` picks the block (default expanding); the fold plan's data-free checks run on it. */
export const walkForwardSchema = z
  .discriminatedUnion('scheme', [expandingWalkForward, rollingWalkForward, cpcvWalkForward], {
    error: (iss) => (iss.code === 'invalid_union' ? `must be "expanding", "rolling" or "cpcv"${gotValue((iss.input as { scheme?: unknown } | undefined)?.scheme)}` : undefined),
  })
  .superRefine((w, ctx) => {
    for (const issue of foldPlanConfigIssues(foldPlanConfig(w))) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
    if (w.from !== undefined && w.to !== undefined && w.from > w.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `from ${w.from} is after to ${w.to}` });
  });

export type WalkForwardConfig = z.output<typeof walkForwardSchema>;

/**
 * The fold plan config of a walkForward block: the block itself, without seeds and range under
 * cpcv. Window plans keep the whole block, as runs have recorded it since before CPCV; runs
 * compare plans as JSON on resume, so stepDays at its default stays last, where it was added
 * when the block did not default it.
 */
export function foldPlanConfig(w: WalkForwardConfig): FoldPlanConfig {
  if (w.scheme === 'cpcv') {
    const { seeds: _seeds, from: _from, to: _to, ...plan } = w;
    return plan;
  }
  if (w.stepDays !== w.testDays) return w;
  const { stepDays, ...rest } = w;
  return { ...rest, stepDays };
}

/** How a probability becomes a position and what trading costs (src/futures/pnl.ts). */
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
  .strict()
  .superRefine((s, ctx) => {
    if (s.rule.kind === 'threshold' && s.rule.short > s.rule.long) ctx.addIssue({ code: 'custom', path: ['rule', 'short'], message: `short ${s.rule.short} is above long ${s.rule.long}` });
  });

// A model entry: a preset by name plus overrides of its spec, each typed by the spec's own schema
// (the spec's defaults left out: an override absent is the preset's value).
const PRESETS = listPresets();
const presetName = z.enum(PRESETS as [string, ...string[]], { error: (iss) => `unknown model preset ${JSON.stringify(iss.input)} (known: ${PRESETS.join(', ')})` });
const modelOverrides = ModelSpecSchema.extend({ pool: ModelSpecSchema.shape.pool.unwrap() }).partial().shape;
const MODEL_SETTINGS = ['preset', 'label', ...Object.keys(modelOverrides)];

function modelEntry<P extends z.ZodType<string, string | undefined>>(preset: P) {
  return z.strictObject(
    {
      preset,
      /** Label in tables and the predictions table; default the preset name. */
      label: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore').optional(),
      ...modelOverrides,
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `not a model setting (settings: ${MODEL_SETTINGS.join(', ')})` : undefined) },
  );
}

const modelListSchema = z
  .array(modelEntry(presetName))
  .min(1)
  .superRefine((models, ctx) => {
    const labels = models.map((m) => m.label ?? m.preset);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', message: `model "${dup}" appears twice (give one a "label")` });
  });

export const experimentSchema = z
  .object({
    /** The JSON Schema an editor checks the file with ("./experiment.schema.json"); not part of the experiment. */
    $schema: z.string().optional(),
    /** Names the model folder models/<name>/ and experiments/<name>/; defaults to the config file's name. */
    name: folderName.optional(),
    seed: z.number().int().min(0).default(42),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    dataset: datasetBlockSchema.prefault({}),
    model: modelEntry(presetName.default('dual-lstm')).prefault({}),
    train: trainConfigSchema.prefault({}),
    /** The models a walk-forward compares (default: [model]). */
    models: modelListSchema.optional(),
    walkForward: walkForwardSchema.prefault({}),
    strategy: strategySchema.prefault({}),
    /** bft overfit-check: probes and verdict thresholds (src/eval/run/overfit-config.ts). */
    overfit: overfitConfigSchema
      .superRefine((o, ctx) => {
        if (o.pboBlocks % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['pboBlocks'], message: `pboBlocks must be even, got ${o.pboBlocks}` });
      })
      .prefault({}),
  })
  .strict();

export type ExperimentConfig = z.input<typeof experimentSchema>;
export type ResolvedExperiment = Omit<z.output<typeof experimentSchema>, '$schema'> & { name: string };

/** One problem of a config: where (a dotted path) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** ` (got 0)`: a scalar at fault, for a message that does not say it; nothing for anything else. */
function gotValue(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || v === null ? ` (got ${JSON.stringify(v)})` : '';
}

/**
 * Wording for issues whose schema has none of its own: zod's, with the value at fault; an
 * unknown key lists the settings of its block.
 */
function issueWording(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === 'unrecognized_keys') {
    const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, z.ZodType> } } } | undefined)?._zod?.def?.shape;
    const settings = shape === undefined ? [] : Object.keys(shape).filter((k) => !REFUSED.has(shape[k]!));
    return settings.length > 0 ? `not a setting here (settings: ${settings.join(', ')})` : 'not a setting here';
  }
  const own = z.config().localeError?.(iss);
  const text = typeof own === 'string' ? own : own?.message;
  return text === undefined ? undefined : `${text}${gotValue(iss.input)}`;
}

function dotPath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(top level)';
}

/** Zod's issues as problems, in its order; an unknown-keys issue is one problem per key. */
function problemsOf(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: dotPath([...i.path, k]), message: i.message })) : [{ path: dotPath(i.path), message: i.message }]));
}

/**
 * Parses a config object; `fallbackName` names it when the config does not. Every problem is
 * reported in one BftError 'bad_config': `<where>: <path>: <message>; <path>: <message>...`.
 */
export function resolveExperiment(raw: unknown, fallbackName: string, where = 'config'): ResolvedExperiment {
  const r = experimentSchema.safeParse(raw, { error: issueWording });
  const problems = r.success ? [] : problemsOf(r.error.issues);
  // The file's name stands in for a missing "name" and must make a folder as safely.
  const named = raw !== null && typeof raw === 'object' && (raw as Record<string, unknown>)['name'] !== undefined;
  if (!named && !isFolderName(fallbackName)) problems.push({ path: 'name', message: `${JSON.stringify(fallbackName)} (from the file name; the config has no "name") is not ${FOLDER_NAME_RULE}` });
  if (!r.success || problems.length > 0) {
    throw new BftError('bad_config', `${where}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { file: where, field: problems[0]?.path ?? '(top level)' });
  }
  const { $schema: _schema, ...x } = r.data;
  return { ...x, name: x.name ?? fallbackName };
}

/** The experiment schema as JSON Schema (the input a config file may give), for editors; `npm run schema` writes it. */
export function experimentJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(experimentSchema, { io: 'input' });
  return JSON.stringify({ $schema, title: 'bft experiment config (experiments/<name>.json); generated from src/eval/run/experiment.ts by npm run schema', ...schema }, null, 2) + '\n';
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
