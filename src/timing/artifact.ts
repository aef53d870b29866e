// A trained model on disk: models/<name>/<id>/ holds the tfjs layers model (model.json +
// weights.bin), scalers.json, and meta.json (config, features, data ranges, commit, backend,
// metrics). models/README.md documents the format; `version` changes when it does.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Scalers } from '../dataset/inputs.js';
import { BftError } from '../errors.js';
import { loadModel, saveModel } from '../models/io.js';
import type { ModelSpec } from '../models/presets.js';
import { FOLDER_NAME_RULE, isFolderName, pathInside, type ResolvedExperiment } from '../eval/run/experiment.js';

export const ARTIFACT_FORMAT = 'bft-model';
export const ARTIFACT_VERSION = 1;

export interface Range {
  readonly from: string;
  readonly to: string;
  readonly samples: number;
}

export interface ArtifactMeta {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly id: string;
  readonly createdAt: string;
  readonly commit: string;
  readonly backend: string;
  readonly experiment: ResolvedExperiment;
  readonly spec: ModelSpec;
  readonly data: {
    readonly product: string;
    /** null: a daily-only model, trained without intraday bars. */
    readonly intervalMin: number | null;
    readonly lookback: number;
    readonly bars: number;
    readonly classes: 2 | 3;
    readonly dailyFeatures: readonly string[];
    readonly minuteFeatures: readonly string[];
    readonly train: Range;
    readonly validation: Range | null;
    readonly dropped: string;
  };
  readonly metrics: {
    readonly epochs: number;
    readonly bestEpoch: number;
    readonly stoppedEarly: boolean;
    readonly train: { readonly loss: number; readonly accuracy: number };
    readonly validation: { readonly loss: number; readonly accuracy: number } | null;
    readonly seconds: number;
  };
}

/** A sortable id: UTC time and the seed, e.g. 20261125-101502-s42. */
export function newModelId(seed: number, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-s${seed}`;
}

/**
 * modelsDir/<name>/<id>, refused (BftError 'bad_config') unless both are single folder names
 * and the path stays under modelsDir.
 */
export function modelDir(modelsDir: string, name: string, id: string): string {
  const dir = isFolderName(name) && isFolderName(id) ? pathInside(modelsDir, name, id) : null;
  if (dir === null) throw new BftError('bad_config', `model ${JSON.stringify(name)}, id ${JSON.stringify(id)}: not a model folder under ${modelsDir} (each must be ${FOLDER_NAME_RULE})`, { name, id, root: modelsDir });
  return dir;
}

/** Writes a model folder, which must be <models>/<meta.name>/<meta.id> (see modelDir). */
export async function writeArtifact(dir: string, model: tf.LayersModel, meta: ArtifactMeta, scalers: Scalers): Promise<void> {
  // Whoever built `dir`, a name such as ".." must not place the model beside the models folder.
  if (modelDir(resolve(dir, '..', '..'), meta.name, meta.id) !== resolve(dir)) {
    throw new BftError('bad_config', `${dir} is not a folder <models>/${meta.name}/${meta.id}`, { dir, name: meta.name, id: meta.id });
  }
  mkdirSync(dir, { recursive: true });
  await saveModel(model, dir);
  writeFileSync(join(dir, 'scalers.json'), `${JSON.stringify(scalers, null, 1)}\n`);
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

export interface Artifact {
  readonly dir: string;
  readonly meta: ArtifactMeta;
  readonly scalers: Scalers;
  readonly model: tf.LayersModel;
}

function readJson(path: string, dir: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BftError('incompatible_artifact', `${dir} is not a bft model folder: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${path.split('/').pop()}` : (e as Error).message}`);
  }
}

/** Reads a model folder, refusing one of another format or version with one line. */
export async function readArtifact(dir: string): Promise<Artifact> {
  const meta = readJson(join(dir, 'meta.json'), dir) as Partial<ArtifactMeta>;
  if (meta.format !== ARTIFACT_FORMAT) throw new BftError('incompatible_artifact', `${dir}: meta.json is not a bft model (format ${String(meta.format)})`);
  if (meta.version !== ARTIFACT_VERSION) {
    throw new BftError('incompatible_artifact', `${dir}: model format version ${String(meta.version)}, this bft reads version ${ARTIFACT_VERSION}; retrain it with this version`);
  }
  const scalers = readJson(join(dir, 'scalers.json'), dir) as Scalers;
  const model = await loadModel(dir);
  return { dir, meta: meta as ArtifactMeta, scalers, model };
}

/**
 * Finds a model folder from what a user typed: a path to it; name/id or an id under
 * modelsDir/<name>/; or a name, meaning its newest id. Names and ids are single folder names, so
 * a ref such as ../../x is only ever a path, never looked up under modelsDir.
 */
export function resolveModelDir(modelsDir: string, ref: string): string {
  const isModel = (d: string): boolean => existsSync(join(d, 'meta.json'));
  if (isModel(ref)) return resolve(ref);
  const names = existsSync(modelsDir) ? readdirSync(modelsDir).filter((n) => isFolderName(n) && statSync(join(modelsDir, n)).isDirectory()) : [];
  const [name, id, ...rest] = ref.split('/');
  if (rest.length === 0 && name !== undefined && id !== undefined && isFolderName(name) && isFolderName(id)) {
    const dir = modelDir(modelsDir, name, id);
    if (isModel(dir)) return dir;
  }
  if (isFolderName(ref)) {
    if (names.includes(ref)) {
      const ids = readdirSync(join(modelsDir, ref)).filter((i) => isFolderName(i) && isModel(join(modelsDir, ref, i))).sort();
      if (ids.length > 0) return modelDir(modelsDir, ref, ids[ids.length - 1]!);
    }
    for (const n of names) if (isModel(join(modelsDir, n, ref))) return modelDir(modelsDir, n, ref);
  }
  throw new BftError('bad_config', `no model "${ref}": give a model folder, a name, name/id or an id under ${modelsDir} (bft train writes them)`, { ref, root: modelsDir });
}
