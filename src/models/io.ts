// Saving and loading models as files without tfjs-node: plain @tensorflow/tfjs has no file://
// handler under Node, so we write and read the standard tfjs "layers-model" format ourselves:
// `model.json` (modelTopology + weightsManifest pointing at `weights.bin`) and one `weights.bin`.
// tfjs-node's tf.loadLayersModel('file://dir/model.json') reads the same files.

import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
// Registers the fused layer classes, so a model saved with them loads.
import './rnn/layers.js';
import { BftError, firstLine } from '../errors.js';
import { quietlyAsync } from './quiet.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** JSON-serialisable, non-null values (the type tfjs gives `userDefinedMetadata`). */
export type ModelMetadata = { [key: string]: {} };

export interface SaveOptions {
  /** Stored as model.json's standard `userDefinedMetadata` field. */
  metadata?: ModelMetadata;
}

export interface SavedModelInfo {
  modelJson: string;
  weightsBin: string;
  weightBytes: number;
}

/** Writes `dir/model.json` and `dir/weights.bin` (creating `dir`), replacing earlier files. */
export async function saveModel(model: tf.LayersModel, dir: string, opts: SaveOptions = {}): Promise<SavedModelInfo> {
  mkdirSync(dir, { recursive: true });
  const modelJson = join(dir, MODEL_FILE);
  const weightsBin = join(dir, WEIGHTS_FILE);
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      weightBytes = weights.byteLength;
      const json = toModelJson(artifacts, opts.metadata);
      // Weights first, model.json last and by rename: a reader never sees a model.json whose
      // weights are not yet written.
      writeFileSync(weightsBin, new Uint8Array(weights));
      writeFileSync(`${modelJson}.tmp`, JSON.stringify(json));
      renameSync(`${modelJson}.tmp`, modelJson);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return { modelJson, weightsBin, weightBytes };
}

/** Reads a model saved by saveModel (or by tfjs's own file handler). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = readModelJson(dir);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => readWeights(dir, manifest));
  try {
    // Loading rebuilds the layers (running their initializers) before setting the weights.
    return await quietlyAsync(() => tf.loadLayersModel({ load: async () => artifacts }));
  } catch (e) {
    throw new BftError('incompatible_artifact', `cannot load the model in ${dir}: ${firstLine(e)}`, { dir });
  }
}

/** model.json's userDefinedMetadata, or {} when there is none. */
export function readModelMetadata(dir: string): ModelMetadata {
  return readModelJson(dir).userDefinedMetadata ?? {};
}

function toModelJson(artifacts: tf.io.ModelArtifacts, metadata: ModelMetadata | undefined): tf.io.ModelJSON {
  if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new BftError('incompatible_artifact', 'only layers models with a JSON topology can be saved');
  }
  return {
    modelTopology: artifacts.modelTopology,
    ...(artifacts.format !== undefined ? { format: artifacts.format } : {}),
    ...(artifacts.generatedBy !== undefined ? { generatedBy: artifacts.generatedBy } : {}),
    ...(artifacts.convertedBy !== undefined ? { convertedBy: artifacts.convertedBy } : {}),
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(metadata !== undefined ? { userDefinedMetadata: metadata } : artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
}

function readModelJson(dir: string): tf.io.ModelJSON {
  const path = join(dir, MODEL_FILE);
  if (!existsSync(path)) throw new BftError('incompatible_artifact', `no ${MODEL_FILE} in ${dir}`, { dir });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BftError('incompatible_artifact', `${path} is not valid JSON: ${firstLine(e)}`, { path });
  }
  const json = parsed as Partial<tf.io.ModelJSON> | null;
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new BftError('incompatible_artifact', `${path} is not a tfjs layers model (no modelTopology or weightsManifest)`, { path });
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new BftError('incompatible_artifact', `${path} holds a "${json.format}", not a layers-model`, { path });
  }
  return json as tf.io.ModelJSON;
}

/** All weight files of the manifest, concatenated in manifest order, with their size checked. */
async function readWeights(dir: string, manifest: tf.io.WeightsManifestConfig): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs = manifest.flatMap((group) => group.weights);
  const parts = manifest.flatMap((group) => group.paths).map((p) => readWeightFile(dir, p));
  const data = tf.io.CompositeArrayBuffer.join(parts.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const expected = expectedBytes(specs);
  if (expected !== null && expected !== data.byteLength) {
    throw new BftError('incompatible_artifact', `weights in ${dir} hold ${data.byteLength} bytes but model.json describes ${expected}`, { dir });
  }
  return [specs, data];
}

function readWeightFile(dir: string, name: string): Uint8Array {
  const path = join(dir, name);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new BftError('incompatible_artifact', `weights file ${name} is missing from ${dir}`, { dir, file: name });
  }
  return readFileSync(path);
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/** Byte size the specs describe, or null when it cannot be known (quantized or exotic dtypes). */
function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.dtype];
    if (bytes === undefined || spec.quantization !== undefined) return null;
    total += spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}
